package main_test

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// The readiness signals' scenarios through the binary (issue "Healthy is
// earned"): for each, the state, the finding's code and object, the first
// next step and the exit code, and -o json's evidence. One vSphere world per
// contract, reseeded from scenario to scenario, and a Tinkerbell one for
// the spare hardware.

type signalCase struct {
	scenario  testworld.Scenario
	state     string
	code      string // a finding's code
	object    string // and a prefix of its object
	firstStep string // the first next command contains it
}

func TestStatus_SignalScenarios(t *testing.T) {
	vsphere := func(drain signalCase) []signalCase {
		return []signalCase{
			{testworld.EtcdNotReady, "UpgradeBlocked", "EtcdNotReady", "EtcdadmCluster/eksa-system/cluster3-etcd",
				"get machines.cluster.x-k8s.io -l cluster.x-k8s.io/etcd-cluster=cluster3-etcd"},
			{testworld.ControllerCrash, "UpgradeBlocked", "ControllerUnavailable", "Deployment/capv-system/capv-controller-manager",
				"-n capv-system logs deployment/capv-controller-manager --previous"},
			{testworld.ComponentsAhead, "Healthy", "ManagementComponentsAhead", "Cluster/default/cluster3", ""},
			{testworld.WorkloadRefused, "NotReady", "WorkloadUpgradeRefused", "Cluster/default/w01", "eksctl anywhere upgrade cluster -f"},
			{testworld.CNINotReady, "UpgradeBlocked", "CNINotReady", "Node/cluster3-md-0-", "-n kube-system get pods -l k8s-app=cilium"},
			drain,
		}
	}
	worlds := []struct {
		name  string
		start testworld.Options
		cases []signalCase
	}{
		{"v1beta1", testworld.Options{Scenario: testworld.Stranded}, vsphere(
			// Cluster API v1.4's fork logs the eviction error but never puts
			// it in the condition: the Machine is stuck Deleting, no more.
			// The budget that allows no disruption is named beside it.
			signalCase{testworld.DrainBlocked, "RolloutStuck", "MachineStuckDeleting", "Machine/eksa-system/cluster3-md-0-", "get poddisruptionbudgets"})},
		// EKS-A's own MachineHealthCheck pause comes with its in-place
		// upgrades of v0.25 (v1beta2), last: a reseed does not take it off.
		{"v1beta2", testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2}, append(vsphere(
			signalCase{testworld.DrainBlocked, "RolloutStuck", "DrainBlocked", "Machine/eksa-system/cluster3-md-0-", "get poddisruptionbudgets"}),
			signalCase{testworld.MHCPausedInPlace, "NotReady", "PauseMarker", "MachineHealthCheck/eksa-system/cluster3-md-0-worker-unhealthy", "describe"})},
		{"tinkerbell", testworld.Options{Scenario: testworld.HardwareShort}, []signalCase{
			{testworld.HardwareShort, "UpgradeBlocked", "EKSAClusterFailure", "Cluster/default/cluster3", "get hardware.tinkerbell.org"}}},
	}
	for _, wc := range worlds {
		t.Run(wc.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, wc.start)
			for _, tt := range wc.cases {
				if w.Scenario != tt.scenario {
					if err := w.Reset(t.Context(), tt.scenario); err != nil {
						t.Fatalf("Reset(%s): %v", tt.scenario, err)
					}
				}
				t.Run(string(tt.scenario), func(t *testing.T) { checkSignalCase(t, w, tt) })
			}
		})
	}
}

func checkSignalCase(t *testing.T, w *testworld.World, tt signalCase) {
	wantCode := 2
	if tt.state == "Healthy" {
		wantCode = 0
	}
	got := statusDocument(t, run(t, w.Dir, "status", "-o", "json", "--vsphere=false"), wantCode, tt.state)
	found := false
	for _, f := range got.Findings {
		if f.Code == tt.code && strings.HasPrefix(f.Object, tt.object) {
			found = true
			if tt.state != "Healthy" && tt.code != "PauseMarker" && len(f.Evidence) == 0 {
				t.Errorf("finding %s on %s carries no evidence", f.Code, f.Object)
			}
		}
	}
	if !found {
		t.Errorf("findings = %+v, want %s on %s", got.Findings, tt.code, tt.object)
	}
	if tt.firstStep != "" && (len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, tt.firstStep)) {
		t.Errorf("next steps = %+v, want the first to contain %q", got.NextSteps, tt.firstStep)
	}
	for _, s := range got.NextSteps {
		if strings.Contains(s.Command, " resume") && (tt.scenario == testworld.MHCPausedInPlace || tt.scenario == testworld.EtcdNotReady) {
			t.Errorf("next step %q would clear a pause a controller set on purpose", s.Command)
		}
	}
	text := run(t, w.Dir, "status", "--vsphere=false")
	if !strings.HasPrefix(text.stdout, "Cluster cluster3: "+tt.state) {
		t.Errorf("status headline = %q, want %q", firstLine(text.stdout), "Cluster cluster3: "+tt.state)
	}
}
