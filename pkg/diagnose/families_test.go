package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// TestFamilies_BlockedOrder pins the order every blocker takes when all
// hit at once: the headline lists the clauses in the order of the families
// slice; the steps put the stepsFirst families' (etcd, controllers) ahead
// of the older blockers', then the rerun.
func TestFamilies_BlockedOrder(t *testing.T) {
	b := healthyInPlace().webhookDown().controllerDown().certsExpired().componentsAt("v0.22.0")
	b.objectNamed("EtcdadmCluster", "cluster3-etcd").Fields = map[string]string{"ready": "false"}
	b.controller("capv-system", "capv-controller-manager").Available = 0
	r := Diagnose(b.build())
	if r.State != UpgradeBlocked {
		t.Fatalf("state = %s, want UpgradeBlocked", r.State)
	}
	wantSummary := "cluster3's upgrade cannot proceed: 1 admission webhook with failurePolicy Fail and no ready endpoint, " +
		"the EKS-A controller is not available, certificates expired on 1 machine, management components on v0.22.0, not v0.24.0, " +
		"external etcd cluster3-etcd is not ready, controller capv-system/capv-controller-manager is not available"
	if r.Summary != wantSummary {
		t.Errorf("summary = %q\nwant      %q", r.Summary, wantSummary)
	}
	wantSteps := []string{
		"get machines.cluster.x-k8s.io -l cluster.x-k8s.io/etcd-cluster=cluster3-etcd",
		"describe etcdadmclusters.etcdcluster.cluster.x-k8s.io cluster3-etcd",
		"-n capv-system logs deployment/capv-controller-manager --previous",
		"-n capi-system describe service capi-webhook-service",
		"-n eksa-system describe deployment eksa-controller-manager",
		"eksctl anywhere renew certificates",
		"eksctl anywhere upgrade management-components",
		"eksctl anywhere upgrade cluster",
	}
	if len(r.NextSteps) != len(wantSteps) {
		t.Fatalf("%d steps, want %d: %+v", len(r.NextSteps), len(wantSteps), r.NextSteps)
	}
	for i, w := range wantSteps {
		if !strings.Contains(r.NextSteps[i].Command, w) {
			t.Errorf("step %d = %q, want it to contain %q", i, r.NextSteps[i].Command, w)
		}
	}
	// Each blocker's finding, and the note beside them.
	codes := map[string]bool{}
	for _, f := range r.Findings {
		codes[f.Code] = true
	}
	for _, c := range []string{CodeWebhookUnavailable, CodeControllerUnavailable, CodeCertificatesExpired, CodeCertificatesExpiring,
		CodeManagementComponentsBehind, CodeEtcdNotReady, CodeControllerDown} {
		if !codes[c] {
			t.Errorf("no %s finding among %+v", c, r.Findings)
		}
	}
}

// TestFamilies_NotesChangeNoVerdict: a hit without a clause (certificates
// expiring, components one minor ahead) lists its finding on a healthy
// cluster and leaves it Healthy.
func TestFamilies_NotesChangeNoVerdict(t *testing.T) {
	for code, b := range map[string]*snapBuilder{
		CodeCertificatesExpiring:      healthyInPlace().secretCert("cluster3-ca", "tls.crt", "kubernetes", 48*time.Hour),
		CodeManagementComponentsAhead: healthyInPlace().componentsAt("v0.25.0"),
	} {
		r := Diagnose(b.build())
		if r.State != Healthy {
			t.Errorf("%s: state = %s (%s), want Healthy", code, r.State, r.Summary)
		}
		if len(r.Findings) != 1 || r.Findings[0].Code != code {
			t.Errorf("%s: findings = %+v, want that one", code, r.Findings)
		}
	}
}

// TestFamilies_StuckOrder pins the stuck causes' order: the headline names
// the rollout first, then the Machine, the MachineHealthCheck and the etcd
// roll; the steps are theirs in that order, and the rollout's own step
// comes only when none of them gives one.
func TestFamilies_StuckOrder(t *testing.T) {
	etcdRolling := func(b *snapBuilder) {
		for i, o := range b.snap.Management.Objects {
			if o.Kind == "EtcdadmCluster" {
				b.snap.Management.Objects[i].Annotations = map[string]string{eksa.AnnotationEtcdUpgrading: "true"}
				b.snap.Management.Objects[i].Conditions = []snapshot.Condition{cond("Ready", "True", "", "", 3*time.Hour)}
			}
		}
	}
	all := healthyInPlace().kcpScalingUp("v0.24.6", 2*time.Hour).mhcBlocked().machineProvisioning(2 * time.Hour)
	etcdRolling(all)
	for _, tt := range []struct {
		name    string
		b       *snapBuilder
		summary string
		steps   []string
	}{
		{"every stuck cause", all,
			"cluster3's upgrade is stuck: KubeadmControlPlane cluster3 at 3 desired, 2 current, 2 up to date, 2 ready for 120m, " +
				"Machine cluster3-md-0-854976576-tw6hr Provisioning for 120m, MachineHealthCheck cluster3-md-0-worker-unhealthy holds remediation back, " +
				"the etcd roll has not finished",
			[]string{"describe machines.cluster.x-k8s.io cluster3-md-0-854976576-tw6hr", "describe machinehealthchecks.cluster.x-k8s.io",
				"describe etcdadmclusters.etcdcluster.cluster.x-k8s.io cluster3-etcd", "eksctl anywhere upgrade cluster"}},
		{"the rollout alone", healthyInPlace().kcpScalingUp("v0.24.6", 2*time.Hour),
			"cluster3's upgrade is stuck: KubeadmControlPlane cluster3 at 3 desired, 2 current, 2 up to date, 2 ready for 120m",
			[]string{"describe kubeadmcontrolplanes.controlplane.cluster.x-k8s.io cluster3", "eksctl anywhere upgrade cluster"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.b.build())
			if r.State != RolloutStuck || r.Summary != tt.summary {
				t.Errorf("%s: %q\nwant RolloutStuck: %q", r.State, r.Summary, tt.summary)
			}
			if len(r.NextSteps) != len(tt.steps) {
				t.Fatalf("%d steps, want %d: %+v", len(r.NextSteps), len(tt.steps), r.NextSteps)
			}
			for i, w := range tt.steps {
				if !strings.Contains(r.NextSteps[i].Command, w) {
					t.Errorf("step %d = %q, want it to contain %q", i, r.NextSteps[i].Command, w)
				}
			}
		})
	}
}
