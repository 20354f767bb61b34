package main_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
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
	} `json:"nextSteps"`
}

func TestStatus_InPlaceScenarios(t *testing.T) {
	worlds := []struct {
		name  string
		start testworld.Options
		cases []inplaceCase
	}{
		{"v1beta1", testworld.Options{Scenario: testworld.RolloutStuck}, []inplaceCase{
			{testworld.RolloutStuck, "RolloutStuck", "RolloutStuck", "KubeadmControlPlane/eksa-system/cluster3",
				"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io cluster3", true},
			{testworld.MHCBlocked, "RolloutStuck", "RemediationBlocked", "MachineHealthCheck/eksa-system/cluster3-md-0-worker-unhealthy",
				"describe machinehealthchecks.cluster.x-k8s.io cluster3-md-0-worker-unhealthy", true},
			{testworld.ComponentsHalfUpgraded, "UpgradeBlocked", "ManagementComponentsBehind", "Cluster/default/cluster3",
				"eksctl anywhere upgrade management-components -f ", false},
			{testworld.WebhookDown, "UpgradeBlocked", "WebhookUnavailable", "ValidatingWebhookConfiguration/capi-validating-webhook-configuration",
				"-n capi-system describe service capi-webhook-service", false},
			// Last: it deletes a VM (a reset creates it again).
			{testworld.MachineVMDeleted, "RolloutStuck", "MachineVMDeleted", "Machine/eksa-system/cluster3-md-0-",
				`patch machines.cluster.x-k8s.io cluster3-md-0-`, true},
		}},
		{"v1beta2", testworld.Options{Scenario: testworld.InPlaceStuck}, []inplaceCase{
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
					if err := w.ResetInPlace(t.Context(), tt.scenario); err != nil {
						t.Fatalf("ResetInPlace(%s): %v", tt.scenario, err)
					}
				}
				t.Run(string(tt.scenario), func(t *testing.T) { checkInPlace(t, w, tt) })
			}
		})
	}
}

func checkInPlace(t *testing.T, w *testworld.World, tt inplaceCase) {
	res := runEnv(t, w.Dir, credentials(w, w.VCSim.Password), "status", "-o", "json")
	if res.code != 2 {
		t.Errorf("status exit = %d, want 2; stderr: %s", res.code, res.stderr)
	}
	var got inplaceJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json is not JSON: %v\n%s", err, res.stdout)
	}
	if got.State != tt.state {
		t.Errorf("state = %s, want %s (findings: %+v)", got.State, tt.state, got.Findings)
	}
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
