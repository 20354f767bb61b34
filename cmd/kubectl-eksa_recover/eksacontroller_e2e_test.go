package main_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestStatus_EKSAControllerCrashLooping: the EKS-A controller's pod
// crash-loops on the healthy world, as the kubelet reports it. The binary
// says UpgradeBlocked, exit 2, and names the Deployment with the pod's
// reason, restart count and last termination as the server holds the pod,
// and the command that shows its last crash's log; restored, Healthy.
func TestStatus_EKSAControllerCrashLooping(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	signals, err := w.Signals(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(signals, func(s testworld.Signal) bool {
		return s.Kind == testworld.SignalDeployment && s.Namespace == "eksa-system" && s.Name == "eksa-controller-manager"
	})
	if i < 0 {
		t.Fatalf("the world publishes no signal for the EKS-A controller among %d", len(signals))
	}
	restore, err := w.TurnRed(t.Context(), signals[i], 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// The pod as the server holds it.
	cs, err := kubernetes.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := cs.CoreV1().Pods("eksa-system").List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range pods.Items {
		if !strings.HasPrefix(p.Name, "eksa-controller-manager-") || len(p.Status.ContainerStatuses) == 0 {
			continue
		}
		c := p.Status.ContainerStatuses[0]
		if c.State.Waiting == nil || c.LastTerminationState.Terminated == nil {
			t.Fatalf("pod %s is not crash-looping on the server: %+v", p.Name, c.State)
		}
		want = []string{"pod " + p.Name, c.State.Waiting.Reason, fmt.Sprintf("%d restarts", c.RestartCount),
			"last terminated " + c.LastTerminationState.Terminated.Reason}
	}
	if want == nil {
		t.Fatal("the server holds no pod of the EKS-A controller")
	}
	got := statusDocument(t, run(t, w.Dir, "status", "-o", "json", "--vsphere=false"), 2, "UpgradeBlocked")
	var msg string
	for _, f := range got.Findings {
		if f.Code == "EKSAControllerUnavailable" && f.Object == "Deployment/eksa-system/eksa-controller-manager" {
			msg = f.Message
		}
	}
	for _, words := range want {
		if !strings.Contains(msg, words) {
			t.Errorf("the EKSAControllerUnavailable finding %q lacks %q", msg, words)
		}
	}
	logs := "-n eksa-system logs deployment/eksa-controller-manager --previous"
	shown := false
	for _, s := range got.NextSteps {
		shown = shown || strings.Contains(s.Command+" "+s.Why, logs)
	}
	if !shown {
		t.Errorf("next steps = %+v, want one that shows %q", got.NextSteps, logs)
	}
	if err := restore(t.Context()); err != nil {
		t.Fatal(err)
	}
	if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
		t.Errorf("restored: status exit %d, want 0:\n%s", res.code, res.stdout)
	}
}
