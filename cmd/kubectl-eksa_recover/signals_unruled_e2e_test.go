package main_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestStatus_RedSignalsNoRuleKnows turns red, one at a time on the healthy
// world, signals no rule of the plugin knows, as their controllers would:
// a Node still Ready but under disk pressure (the kubelet), a workload
// cluster's control plane condition while that cluster's EKS-A Cluster
// still reads green (Cluster API), and CoreDNS crash-looping (the
// Deployment controller). Each time the binary says NotReady,
// exit 2, names the object, and quotes the condition as the server holds it
// (type, status, reason, message); the first next step shows the object.
// Restored, status is Healthy again. Then the EKS-A Cluster's spec edited
// and not yet reconciled, its conditions still green (checkUnreconciled).
func TestStatus_RedSignalsNoRuleKnows(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy, Flavour: testworld.V1Beta2, WorkloadClusters: 1})
	if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
		t.Fatalf("the healthy world: status exit %d, want 0:\n%s%s", res.code, res.stdout, res.stderr)
	}
	signals, err := w.Signals(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pick := func(keep func(testworld.Signal) bool) testworld.Signal {
		i := slices.IndexFunc(signals, keep)
		if i < 0 {
			t.Fatalf("the world publishes no such signal among %d", len(signals))
		}
		return signals[i]
	}
	whole := []string{"type", "status", "reason", "message"}
	cases := []struct {
		signal testworld.Signal
		quoted []string // the condition's fields the finding quotes
		step   string   // the first next command contains it
	}{
		{pick(func(s testworld.Signal) bool { return s.ObjectKind == "Node" && s.Condition == "DiskPressure" }), whole, "describe node "},
		{pick(func(s testworld.Signal) bool {
			return s.ObjectKind == "KubeadmControlPlane" && s.Name == "w01" && s.Kind == testworld.SignalCondition && s.Condition != "Ready"
		}), whole, "-n eksa-system describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io w01"},
		// A Deployment's finding says its replicas and its pod's reason
		// where the condition's message would only say "minimum
		// availability".
		{pick(func(s testworld.Signal) bool { return s.Kind == testworld.SignalDeployment && s.Name == "coredns" }),
			[]string{"type", "status", "reason"}, "-n kube-system logs deployment/coredns --previous"},
	}
	for _, tt := range cases {
		t.Run(tt.signal.String(), func(t *testing.T) {
			restore, err := w.TurnRed(t.Context(), tt.signal, 2*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			want, err := w.Condition(t.Context(), tt.signal)
			if err != nil || want == nil {
				t.Fatalf("the server holds no condition for %s (%v)", tt.signal, err)
			}
			got := statusDocument(t, run(t, w.Dir, "status", "-o", "json", "--vsphere=false"), 2, "NotReady")
			object := tt.signal.ObjectKind + "/" + strings.TrimPrefix(tt.signal.Namespace+"/"+tt.signal.Name, "/")
			var evidence string
			for _, f := range got.Findings {
				if f.Code == "NotReady" && f.Object == object {
					evidence = string(f.Evidence)
				}
			}
			for _, field := range tt.quoted {
				if quoted, _ := json.Marshal(want[field]); !strings.Contains(evidence, string(quoted)) {
					t.Errorf("the NotReady finding on %s quotes no %s %s: evidence %s", object, field, quoted, evidence)
				}
			}
			if len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, tt.step) {
				t.Errorf("next steps = %+v, want the first to contain %q", got.NextSteps, tt.step)
			}
			if err := restore(t.Context()); err != nil {
				t.Fatal(err)
			}
			if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
				t.Errorf("restored: status exit %d, want 0:\n%s", res.code, res.stdout)
			}
		})
	}
	t.Run("observedGeneration", func(t *testing.T) {
		checkUnreconciled(t, w, pick(func(s testworld.Signal) bool {
			return s.Kind == testworld.SignalObservedGeneration && s.ObjectKind == "Cluster" && s.Name == "cluster3"
		}))
	})
}

// checkUnreconciled: the EKS-A Cluster's spec edited, its controller not
// caught up (observedGeneration behind generation), reads NotReady, exit 2,
// as EKS-A's own WaitFor reads it, the finding quoting both as the server
// holds them; caught up, Healthy again.
func checkUnreconciled(t *testing.T, w *testworld.World, sig testworld.Signal) {
	restore, err := w.TurnRed(t.Context(), sig, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	generation, observed, err := w.Generations(t.Context(), sig)
	if err != nil || observed == 0 || generation == observed {
		t.Fatalf("the server holds generation %d, observedGeneration %d (%v); want them to differ", generation, observed, err)
	}
	got := statusDocument(t, run(t, w.Dir, "status", "-o", "json", "--vsphere=false"), 2, "NotReady")
	var evidence, message string
	for _, f := range got.Findings {
		if f.Code == "NotReady" && f.Object == "Cluster/default/cluster3" {
			evidence, message = string(f.Evidence), f.Message
		}
	}
	for _, want := range []string{`"status.observedGeneration"`, fmt.Sprintf(`"%d"`, observed),
		fmt.Sprintf("generation %d and observedGeneration %d differ", generation, observed)} {
		if !strings.Contains(evidence, want) {
			t.Errorf("the NotReady finding on Cluster/default/cluster3 lacks %s: message %q, evidence %s", want, message, evidence)
		}
	}
	if step := "-n default describe clusters.anywhere.eks.amazonaws.com cluster3"; len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, step) {
		t.Errorf("next steps = %+v, want the first to contain %q", got.NextSteps, step)
	}
	if err := restore(t.Context()); err != nil {
		t.Fatal(err)
	}
	if res := run(t, w.Dir, "status", "--vsphere=false"); res.code != 0 {
		t.Errorf("caught up: status exit %d, want 0:\n%s", res.code, res.stdout)
	}
}
