package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Today's failed in-place upgrades through the binary: for each scenario,
// the state, the finding's code and object, the first next step, the exit
// code, and the evidence -o json carries. Two worlds, one per contract
// (the EKS-A version picks it), each reset between its scenarios: a world
// takes half a minute, a reset a second or two.

type inplaceCase struct {
	scenario  testworld.Scenario
	state     string
	code      string // a finding's code
	object    string // and its object
	firstStep string // the first next command contains it
	evidence  bool   // the finding carries evidence
}

type inplaceJSON struct {
	State    string `json:"state"`
	Findings []struct {
		Code     string          `json:"code"`
		Object   string          `json:"object"`
		Message  string          `json:"message"`
		Evidence json.RawMessage `json:"evidence"`
	} `json:"findings"`
	NextSteps []struct {
		Command string `json:"command"`
		Why     string `json:"why"`
	} `json:"nextSteps"`
}

// statusDocument checks status -o json's exit code and state, and decodes
// the document for the finding and step checks of each test.
func statusDocument(t *testing.T, res result, wantCode int, wantState string) inplaceJSON {
	t.Helper()
	if res.code != wantCode {
		t.Errorf("status exit = %d, want %d; stderr: %s", res.code, wantCode, res.stderr)
	}
	var got inplaceJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json is not JSON: %v\n%s", err, res.stdout)
	}
	if got.State != wantState {
		t.Errorf("state = %s, want %s (findings: %+v)", got.State, wantState, got.Findings)
	}
	return got
}

func TestStatus_InPlaceScenarios(t *testing.T) {
	worlds := []struct {
		name  string
		start testworld.Options
		cases []inplaceCase
	}{
		// Each world's EKS-A version pinned: every case is seeded on it, so
		// Reset takes the in-place path (the worlds have no KinD to reseed).
		{"v1beta1", testworld.Options{Scenario: testworld.RolloutStuck, EKSAVersion: "v0.22.0"}, []inplaceCase{
			{testworld.RolloutStuck, "RolloutStuck", "RolloutStuck", "KubeadmControlPlane/eksa-system/cluster3",
				"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io cluster3", true},
			{testworld.MHCBlocked, "RolloutStuck", "RemediationBlocked", "MachineHealthCheck/eksa-system/cluster3-md-0-worker-unhealthy",
				"describe machinehealthchecks.cluster.x-k8s.io cluster3-md-0-worker-unhealthy", true},
			{testworld.ComponentsHalfUpgraded, "UpgradeBlocked", "ManagementComponentsBehind", "Cluster/default/cluster3",
				"eksctl anywhere upgrade management-components -f ", false},
			{testworld.WebhookDown, "UpgradeBlocked", "WebhookUnavailable", "ValidatingWebhookConfiguration/capi-validating-webhook-configuration",
				"-n capi-system describe service capi-webhook-service", false},
			// Before v0.24 no clusterCertificateInfo: the Secrets' certificates show it.
			{testworld.CertsExpired, "UpgradeBlocked", "CertificatesExpired", "Secret/eksa-system/cluster3-",
				"sudo kubeadm certs renew all", true},
			// Last: it deletes a VM (a reset creates it again).
			{testworld.MachineVMDeleted, "RolloutStuck", "MachineVMDeleted", "Machine/eksa-system/cluster3-md-0-",
				`patch machines.cluster.x-k8s.io cluster3-md-0-`, true},
		}},
		{"v1beta2", testworld.Options{Scenario: testworld.InPlaceStuck, EKSAVersion: "v0.25.1"}, []inplaceCase{
			{testworld.InPlaceStuck, "RolloutStuck", "InPlaceUpgradeStuck", "NodeUpgrade/eksa-system/cluster3-",
				"-node-upgrader --all-containers", true},
			{testworld.CertsExpired, "UpgradeBlocked", "CertificatesExpired", "Cluster/default/cluster3",
				"eksctl anywhere renew certificates -f", false},
			{testworld.RolloutStuck, "RolloutStuck", "RolloutStuck", "KubeadmControlPlane/eksa-system/cluster3",
				"describe kubeadmcontrolplanes", true},
		}},
	}
	for _, wc := range worlds {
		t.Run(wc.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, wc.start)
			for i, tt := range wc.cases {
				if i > 0 {
					if err := w.Reset(t.Context(), tt.scenario); err != nil {
						t.Fatalf("Reset(%s): %v", tt.scenario, err)
					}
				}
				t.Run(string(tt.scenario), func(t *testing.T) { checkInPlace(t, w, tt) })
			}
		})
	}
}

func checkInPlace(t *testing.T, w *testworld.World, tt inplaceCase) {
	got := statusDocument(t, runEnv(t, w.Dir, credentials(w, w.VCSim.Password), "status", "-o", "json"), 2, tt.state)
	found := false
	for _, f := range got.Findings {
		if f.Code == "VCenterCheckFailed" || f.Code == "VCenterNotChecked" {
			t.Errorf("vCenter was not checked: %s", f.Message)
		}
		if f.Code == tt.code && strings.HasPrefix(f.Object, tt.object) {
			found = true
			if hasEvidence := len(f.Evidence) > 0; hasEvidence != tt.evidence {
				t.Errorf("finding %s evidence = %s, want present: %v", f.Code, f.Evidence, tt.evidence)
			}
		}
	}
	if !found {
		t.Errorf("findings = %+v, want %s on %s", got.Findings, tt.code, tt.object)
	}
	if len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, tt.firstStep) {
		t.Errorf("next steps = %+v, want the first to contain %q", got.NextSteps, tt.firstStep)
	}
	for _, s := range got.NextSteps {
		if strings.Contains(s.Command, "--force-cleanup") {
			t.Errorf("next step %q: --force-cleanup does not exist in the in-place eras", s.Command)
		}
	}
	text := runEnv(t, w.Dir, credentials(w, w.VCSim.Password), "status")
	if !strings.HasPrefix(text.stdout, "Cluster cluster3: "+tt.state) {
		t.Errorf("status headline = %q, want %q", firstLine(text.stdout), "Cluster cluster3: "+tt.state)
	}
}

// TestResume_HoldsPrePaused: `kubectl eksa-recover backup` taken while
// one workload cluster of three was paused, then a failed in-place run
// that paused the other two (after eksctl's own pre-upgrade backup): resume
// clears two, holds the one the backup recorded paused and says why;
// recover, which runs the same resume, leaves the same one paused;
// --include-pre-paused clears it too.
func TestResume_HoldsPrePaused(t *testing.T) {
	for _, command := range []string{"resume", "recover"} {
		t.Run(command, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.PausedInPlace, WorkloadClusters: 3})
			dir := backupBeforeTheRun(t, w, "w02")
			checkHoldsPrePaused(t, w, dir, command)
			if command != "resume" {
				return
			}
			// resume names its backup folder to the second: a second run in the
			// same second would find the first's folder there.
			time.Sleep(time.Second)
			res := run(t, w.Dir, "resume", "--yes", "--include-pre-paused")
			if res.code != 0 || !strings.Contains(res.stdout, "Resumed Cluster.cluster.x-k8s.io/w02 in eksa-system") || pausedOnManagement(t, w, "w02") {
				t.Errorf("resume --include-pre-paused = exit %d, stdout %q, stderr %q; want w02 resumed", res.code, res.stdout, res.stderr)
			}
		})
	}
}

// checkHoldsPrePaused runs command --yes on a world whose w01-w03 a failed
// run left paused and whose backup recorded in dir had w02 paused before
// it: w01 and w03 resumed, w02 held with the reason, still paused.
func checkHoldsPrePaused(t *testing.T, w *testworld.World, dir, command string) {
	t.Helper()
	res := run(t, w.Dir, command, "--yes")
	if res.code != 0 {
		t.Fatalf("%s --yes = exit %d\nstdout: %s\nstderr: %s", command, res.code, res.stdout, res.stderr)
	}
	for _, c := range []string{"w01", "w03"} {
		if !strings.Contains(res.stdout, "Resumed Cluster.cluster.x-k8s.io/"+c+" in eksa-system") {
			t.Errorf("%s --yes stdout = %q, want %s resumed", command, res.stdout, c)
		}
	}
	held := "Cluster.cluster.x-k8s.io/w02 in eksa-system: spec.paused: it was paused before the failed run (" + dir + " recorded it paused)"
	if strings.Contains(res.stdout, "Resumed Cluster.cluster.x-k8s.io/w02 ") || !strings.Contains(res.stderr, held) {
		t.Errorf("%s --yes = stdout %q, stderr %q; want w02 left paused, held with %q", command, res.stdout, res.stderr, held)
	}
	for c, want := range map[string]bool{"w01": false, "w02": true, "w03": false} {
		if got := pausedOnManagement(t, w, c); got != want {
			t.Errorf("after %s --yes: %s paused = %v, want %v", command, c, got, want)
		}
	}
}

// backupBeforeTheRun runs the plugin's backup while only the workload
// cluster paused is paused, then does what the failed run does after it:
// eksctl's pre-upgrade backup (the world's, renamed to a later time) and
// every workload cluster paused. It returns the backup's folder.
func backupBeforeTheRun(t *testing.T, w *testworld.World, paused string) string {
	t.Helper()
	workloads := []string{"w01", "w02", "w03"}
	for _, c := range workloads {
		setPausedOnManagement(t, w, c, c == paused)
	}
	res := run(t, w.Dir, "backup")
	_, after, found := strings.Cut(res.stdout, " objects of cluster3 to ")
	dir, _, found2 := strings.Cut(after, " (manifest ")
	if res.code != 0 || !found || !found2 {
		t.Fatalf("backup = exit %d, stdout %q, stderr %q; want a backup folder named", res.code, res.stdout, res.stderr)
	}
	eksctl, err := filepath.Glob(filepath.Join(w.Layout.Dir(), eksa.ClusterBackupPrefix("cluster3")+"*"))
	if err != nil || len(eksctl) != 1 {
		t.Fatalf("eksctl's pre-upgrade backups in the world: %q (%v), want one", eksctl, err)
	}
	later := filepath.Join(w.Layout.Dir(), eksa.ClusterBackupPrefix("cluster3")+time.Now().Add(time.Minute).UTC().Format(eksa.BackupTimeFormat))
	if err := os.Rename(eksctl[0], later); err != nil {
		t.Fatal(err)
	}
	for _, c := range workloads {
		setPausedOnManagement(t, w, c, true)
	}
	return dir
}

func setPausedOnManagement(t *testing.T, w *testworld.World, cluster string, paused bool) {
	t.Helper()
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "clusters"}
	patch := fmt.Sprintf(`{"spec":{"paused":%t}}`, paused)
	if _, err := dyn.Resource(gvr).Namespace(eksa.Namespace).Patch(t.Context(), cluster, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

func pausedOnManagement(t *testing.T, w *testworld.World, cluster string) bool {
	t.Helper()
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "clusters"}
	u, err := dyn.Resource(gvr).Namespace(eksa.Namespace).Get(t.Context(), cluster, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
	return paused
}
