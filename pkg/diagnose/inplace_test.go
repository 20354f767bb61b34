package diagnose

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// inPlaceStateCases are today's failures, each on the eras it belongs to
// (v1beta1 up to v0.23, v1beta2 from v0.24), and the precedence between
// the new states and the old; stateCases (and so the safety sweep) runs
// them too.
func inPlaceStateCases() []stateCase {
	var out []stateCase
	for _, v := range []string{"v0.20.4", "v0.24.6"} {
		c := contract(v)
		out = append(out,
			stateCase{"rollout stuck " + c, func() *snapBuilder { return newSnap().home(newK8s).kcpScalingUp(v, 2*time.Hour) }, RolloutStuck},
			stateCase{"rollout under way " + c, func() *snapBuilder { return newSnap().home(newK8s).kcpScalingUp(v, 5*time.Minute) }, UpgradeIncomplete},
			stateCase{"machine deployment stuck " + c, func() *snapBuilder { return newSnap().home(newK8s).mdRolling(v, 3*time.Hour) }, RolloutStuck},
			stateCase{"paused beats stuck " + c, func() *snapBuilder {
				return newSnap().home(newK8s).kcpScalingUp(v, 2*time.Hour).eksaPaused().workloadPaused()
			}, PausedAfterFailure},
			stateCase{"blocked beats paused " + c, func() *snapBuilder {
				return newSnap().home(newK8s).kcpScalingUp(v, 2*time.Hour).eksaPaused().webhookDown()
			}, UpgradeBlocked},
		)
	}
	return append(out,
		stateCase{"machine VM deleted", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Hour).vmGone()
		}, RolloutStuck},
		stateCase{"machine VM deleted, KinD left behind", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).kind().machineDeleting(time.Hour).vmGone()
		}, RolloutStuck},
		stateCase{"machine deleting, vCenter not asked", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Hour)
		}, RolloutStuck},
		stateCase{"machine deleting a short while", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Minute)
		}, UpgradeIncomplete},
		stateCase{"machine deleting a short while, VM gone", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Minute).vmGone()
		}, RolloutStuck},
		stateCase{"machine provisioning stuck", func() *snapBuilder {
			return newSnap().eksa("v0.21.3").home(newK8s).machineProvisioning(2 * time.Hour)
		}, RolloutStuck},
		stateCase{"health check blocked", func() *snapBuilder { return newSnap().eksa("v0.20.4").home(newK8s).mhcBlocked() }, RolloutStuck},
		stateCase{"in-place upgrade stuck", func() *snapBuilder {
			return newSnap().eksa("v0.25.1").home(newK8s).nodeUpgradeStuck(2 * time.Hour)
		}, RolloutStuck},
		stateCase{"certificates expired", func() *snapBuilder { return newSnap().eksa("v0.24.6").home(newK8s).certsExpired() }, UpgradeBlocked},
		stateCase{"Secret certificate expired, v0.22", func() *snapBuilder {
			return newSnap().eksa("v0.22.0").home(newK8s).secretCert("cluster3-kubeconfig", "value", "kubernetes-admin", -time.Hour)
		}, UpgradeBlocked},
		stateCase{"components half upgraded", func() *snapBuilder {
			return newSnap().eksa("v0.21.3").home(newK8s).componentsAt("v0.20.4")
		}, UpgradeBlocked},
		stateCase{"webhook down", func() *snapBuilder { return newSnap().eksa("v0.26.1").home(newK8s).webhookDown() }, UpgradeBlocked},
		stateCase{"controller down", func() *snapBuilder { return newSnap().eksa("v0.19.8").home(newK8s).controllerDown() }, UpgradeBlocked},
		stateCase{"stranded beats blocked", func() *snapBuilder { return newSnap().stranded().webhookDown() }, StrandedInBootstrap},
	)
}

// TestDiagnose_InPlaceFindings: each cause's finding (code, object, the
// evidence a user needs in its message) and the first next step.
func TestDiagnose_InPlaceFindings(t *testing.T) {
	tests := []struct {
		name          string
		in            *snapBuilder
		code, object  string
		msg           []string
		step          string // the first next step contains it
		noStep        string // and no step contains it
		evidenceConds int
	}{
		{"KCP v1beta1", newSnap().home(newK8s).kcpScalingUp("v0.20.4", 2*time.Hour), CodeRolloutStuck,
			"KubeadmControlPlane/eksa-system/cluster3",
			[]string{"3 desired, 2 current, 2 up to date, 2 ready", "since 120m", "Scaling up control plane nodes, 3 expected (2 actual)"},
			"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io cluster3", "", 2},
		{"KCP v1beta2", newSnap().home(newK8s).kcpScalingUp("v0.24.6", 2*time.Hour), CodeRolloutStuck,
			"KubeadmControlPlane/eksa-system/cluster3",
			[]string{"3 desired, 2 current, 2 up to date, 2 ready", "Scaling up control plane nodes, 3 expected (2 actual)"},
			"describe kubeadmcontrolplanes", "", 2},
		{"MD rolling", newSnap().home(newK8s).mdRolling("v0.22.0", 3*time.Hour), CodeRolloutStuck,
			"MachineDeployment/eksa-system/cluster3-md-0", []string{"0 up to date", "3 rolling (0 up to date)"},
			"describe machinedeployments.cluster.x-k8s.io cluster3-md-0", "", 1},
		{"VM deleted", newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Hour).vmGone(), CodeMachineVMDeleted,
			"Machine/eksa-system/cluster3-md-0-854976576-tw6hr",
			[]string{"Deleting for 60m", "vsphere://4230f2e5", "vcenter.example:443", "DeletionFailed"},
			`patch machines.cluster.x-k8s.io cluster3-md-0-854976576-tw6hr --type merge -p '{"metadata":{"finalizers":null}}'`, "", 2},
		{"deleting, vCenter not asked", newSnap().eksa("v0.22.0").home(newK8s).machineDeleting(time.Hour), CodeMachineStuckDeleting,
			"Machine/eksa-system/cluster3-md-0-854976576-tw6hr", []string{"Deleting for 60m"},
			"govc vm.info -vm.uuid 4230f2e5-0a4b-374c-f06b-41ac1f80e41f", "finalizers", 2},
		{"VM deleted, KinD unreadable: nothing forced", newSnap().eksa("v0.22.0").home(newK8s).kind().kindDown().machineDeleting(time.Hour).vmGone(),
			CodeMachineVMDeleted, "Machine/eksa-system/cluster3-md-0-854976576-tw6hr", nil,
			"describe machines.cluster.x-k8s.io cluster3-md-0-854976576-tw6hr", "finalizers", 2},
		{"provisioning", newSnap().eksa("v0.21.3").home(newK8s).machineProvisioning(2 * time.Hour), CodeMachineStuckProvisioning,
			"Machine/eksa-system/cluster3-md-0-854976576-tw6hr", []string{"Provisioning for 120m", "WaitingForIP"},
			"describe machines.cluster.x-k8s.io cluster3-md-0-854976576-tw6hr", "", 1},
		{"MHC", newSnap().eksa("v0.20.4").home(newK8s).mhcBlocked(), CodeRemediationBlocked,
			"MachineHealthCheck/eksa-system/cluster3-md-0-worker-unhealthy",
			[]string{"2 of 3 Machines unhealthy", "exceeds maxUnhealthy"}, "describe machinehealthchecks.cluster.x-k8s.io cluster3-md-0-worker-unhealthy", "", 1},
		{"in place", newSnap().eksa("v0.25.1").home(newK8s).nodeUpgradeStuck(2 * time.Hour), CodeInPlaceUpgradeStuck,
			"NodeUpgrade/eksa-system/cluster3-2snw8-node-upgrade",
			[]string{"KubeletUpgraded False", "cluster3-2snw8-node-upgrader", "CrashLoopBackOff"},
			"logs cluster3-2snw8-node-upgrader --all-containers", "", 1},
		{"certs v0.24", newSnap().eksa("v0.24.6").home(newK8s).certsExpired(), CodeCertificatesExpired, "Cluster/default/cluster3",
			[]string{"cluster3-2snw8"}, "eksctl anywhere renew certificates -f", "", 0},
		{"certs v0.22: no renew command yet", newSnap().eksa("v0.22.0").home(newK8s).certsExpired(), CodeCertificatesExpired,
			"Cluster/default/cluster3", nil, "sudo kubeadm certs renew all", "renew certificates -f", 0},
		{"components", newSnap().eksa("v0.21.3").home(newK8s).componentsAt("v0.20.4"), CodeManagementComponentsBehind,
			"Cluster/default/cluster3", []string{"v0.20.4", "v0.21.3"},
			"eksctl anywhere upgrade management-components -f " + testSpec + " -v9", "", 0},
		{"webhook", newSnap().eksa("v0.26.1").home(newK8s).webhookDown(), CodeWebhookUnavailable,
			"ValidatingWebhookConfiguration/capi-validating-webhook-configuration", []string{"capi-system/capi-webhook-service"},
			"-n capi-system describe service capi-webhook-service", "delete", 0},
		{"controller", newSnap().eksa("v0.19.8").home(newK8s).controllerDown(), CodeControllerUnavailable,
			"Deployment/eksa-system/eksa-controller-manager", []string{"0 of 1", "MinimumReplicasUnavailable"},
			"describe deployment eksa-controller-manager", "", 1},
		{"blocked and paused: the blocker, then resume", newSnap().eksa("v0.24.6").home(newK8s).eksaPaused().webhookDown(),
			CodeWebhookUnavailable, "ValidatingWebhookConfiguration/capi-validating-webhook-configuration", nil,
			"describe service capi-webhook-service", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in.build())
			var got *Finding
			for i, fd := range r.Findings {
				if fd.Code == tt.code && fd.Object == tt.object {
					got = &r.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("Diagnose(...) findings = %+v, want %s on %s", r.Findings, tt.code, tt.object)
			}
			for _, m := range tt.msg {
				if !strings.Contains(got.Message, m) {
					t.Errorf("finding %s message = %q, want it to say %q", tt.code, got.Message, m)
				}
			}
			if n := 0; got.Evidence != nil || tt.evidenceConds > 0 {
				if got.Evidence != nil {
					n = len(got.Evidence.Conditions)
				}
				if n != tt.evidenceConds {
					t.Errorf("finding %s evidence = %+v, want %d conditions", tt.code, got.Evidence, tt.evidenceConds)
				}
			}
			if len(r.NextSteps) == 0 || !strings.Contains(r.NextSteps[0].Command, tt.step) {
				t.Fatalf("Diagnose(...) state %s next steps = %+v, want the first to contain %q", r.State, r.NextSteps, tt.step)
			}
			for _, s := range r.NextSteps {
				if tt.noStep != "" && strings.Contains(s.Command, tt.noStep) {
					t.Errorf("Diagnose(...) suggests %q, want nothing with %q", s.Command, tt.noStep)
				}
			}
		})
	}
}

// TestDiagnose_InPlaceStepOrder: the cause first, resume when paused, the
// rerun last, never with --force-cleanup in these eras.
func TestDiagnose_InPlaceStepOrder(t *testing.T) {
	r := Diagnose(newSnap().eksa("v0.24.6").home(newK8s).eksaPaused().webhookDown().build())
	var cmds []string
	for _, s := range r.NextSteps {
		cmds = append(cmds, s.Command)
	}
	want := []string{"describe service", testPlugin + " resume", "eksctl anywhere upgrade cluster -f " + testSpec + " -v9"}
	if len(cmds) != len(want) {
		t.Fatalf("Diagnose(...) next steps = %q, want %d steps like %q", cmds, len(want), want)
	}
	for i := range want {
		if !strings.Contains(cmds[i], want[i]) || strings.Contains(cmds[i], "--force-cleanup") {
			t.Errorf("next step %d = %q, want it to contain %q (and no --force-cleanup)", i+1, cmds[i], want[i])
		}
	}
}

// TestDiagnose_EvidenceJSON: -o json carries a stuck object's conditions,
// counts and since when.
func TestDiagnose_EvidenceJSON(t *testing.T) {
	r := Diagnose(newSnap().home(newK8s).kcpScalingUp("v0.24.6", 2*time.Hour).build())
	raw, err := json.Marshal(r.Findings)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"evidence":`, `"type":"Ready"`, `"reason":"ScalingUp"`, `"spec.replicas":3`,
		`"upToDateReplicas":2`, `"since":"2024-04-15T10:00:00Z"`, `"for":"120m"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("findings JSON = %s, want it to hold %s", raw, want)
		}
	}
}

// TestDiagnose_Headline names what is stuck or blocked.
func TestDiagnose_Headline(t *testing.T) {
	tests := []struct {
		in   *snapBuilder
		want string
	}{
		{newSnap().home(newK8s).kcpScalingUp("v0.20.4", 2*time.Hour), "cluster3's upgrade is stuck: KubeadmControlPlane cluster3 at 3 desired, 2 current"},
		{newSnap().eksa("v0.26.1").home(newK8s).webhookDown(), "cluster3's upgrade cannot proceed: 1 admission webhook with failurePolicy Fail"},
	}
	for _, tt := range tests {
		if r := Diagnose(tt.in.build()); !strings.HasPrefix(r.Summary, tt.want) {
			t.Errorf("Diagnose(...) summary = %q, want it to start %q", r.Summary, tt.want)
		}
	}
}
