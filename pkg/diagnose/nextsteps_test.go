package diagnose

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

const (
	rerun        = "eksctl anywhere upgrade cluster -f " + testSpec + " -v9"
	rerunCleanup = rerun + " --force-cleanup"
	kindDelete   = "kind delete cluster --name cluster3-eks-a-cluster"
	move         = testPlugin + " move"
	verify       = testPlugin + " verify"
	status       = testPlugin + " status"
	resume       = testPlugin + " resume"
	readLogs     = "ls -t /w/cluster3/logs"
)

func commands(r Report) []string {
	out := []string{}
	for _, s := range r.NextSteps {
		out = append(out, s.Command)
	}
	return out
}

// TestDiagnose_NextStepsByEra pins the exact commands, era by era.
func TestDiagnose_NextStepsByEra(t *testing.T) {
	tests := []struct {
		name  string
		in    *snapBuilder
		state State
		want  []string
	}{
		{"v0.16.5 mid-upgrade, empty KinD: --force-cleanup deletes it", newSnap().home(oldK8s).kind(), UpgradeIncomplete,
			[]string{rerunCleanup}},
		{"v0.16.5 mid-upgrade, no KinD: nothing to clean", newSnap().home(oldK8s), UpgradeIncomplete, []string{rerun}},
		{"v0.16.5 objects in KinD: move, never --force-cleanup", newSnap().stranded(), StrandedInBootstrap,
			[]string{move, verify, status}},
		{"v0.16.5 KinD holds another cluster's objects: no --force-cleanup", func() *snapBuilder {
			b := newSnap().home(oldK8s).kind()
			objs, _ := cluster3(oldK8s)
			for i := range objs {
				objs[i].ClusterName = "w1"
			}
			b.snap.Bootstrap.Objects = objs[:1]
			return b
		}(), UpgradeIncomplete, []string{rerun}},
		{"v0.16.5 KinD down: no --force-cleanup", newSnap().home(oldK8s).kind().kindDown(), UpgradeIncomplete, []string{rerun}},
		{"v0.16.5 validation failed", newSnap().home(newK8s).kind().eksaPaused().checkpoint("install-capi"), ValidationFailed,
			[]string{readLogs, rerunCleanup}},
		{"v0.17.6 mid-upgrade, empty KinD: flag rejected, delete KinD instead", newSnap().eksa("v0.17.6").home(oldK8s).kind(),
			UpgradeIncomplete, []string{kindDelete, rerun}},
		{"v0.17.6 validation failed", newSnap().eksa("v0.17.6").home(newK8s).kind().eksaPaused().checkpoint("bootstrap-cluster-init"),
			ValidationFailed, []string{readLogs, kindDelete, rerun}},
		{"v0.19.8 validation failed with EKS-A paused: resume first", newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().
			checkpoint("upgrade-core-components"), ValidationFailed, []string{readLogs, resume, rerun}},
		{"v0.19.8 paused in place", newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().workloadPaused(), PausedAfterFailure,
			[]string{resume, rerun}},
		{"v0.19.8 control plane held while etcd upgrades: resume would leave it, so its dry run says why", etcdRolling(),
			PausedAfterFailure, []string{resume + " --dry-run", rerun}},
		{"v0.19.8 paused in place, KinD down: resume (its refusal is in the why), never a move", newSnap().eksa("v0.19.8").
			home(newK8s).eksaPaused().workloadPaused().kind().kindDown(), PausedAfterFailure, []string{resume, rerun}},
		{"unknown version mid-upgrade, empty KinD", newSnap().eksa("").home(oldK8s).kind(), UpgradeIncomplete,
			[]string{kindDelete, rerun}},
		{"unknown version paused", newSnap().eksa("").home(newK8s).eksaPaused(), PausedAfterFailure, []string{resume, rerun}},
		{"healthy", newSnap().home(newK8s), Healthy, []string{}},
		{"healthy, KinD left behind", newSnap().home(newK8s).kind(), Healthy, []string{kindDelete}},
		{"split", newSnap().split(), SplitMove, []string{move, verify, status}},
		{"KinD down, objects not on management", newSnap().stranded().kindDown(), BootstrapUnreachable,
			[]string{"docker start cluster3-eks-a-cluster-control-plane", status}},
		{"management unreachable", newSnap().stranded().mgmtDown(), ManagementUnreachable,
			[]string{"kubectl --kubeconfig /w/cluster3/cluster3-eks-a-cluster.kubeconfig get --raw /readyz", status}},
		{"missing: newest backup", newSnap().
			backup("/w/cluster3/cluster-state-backup-2024-04-15T08_00_00", 4*time.Hour, 27).
			backup("/w/cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00", 12*time.Minute, 27).
			backup("/w/cluster3/eksa-recover-backup-empty", time.Minute, 0), Missing,
			[]string{testPlugin + " restore --from /w/cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00", status}},
		{"missing: no backup", newSnap(), Missing, []string{testPlugin + " restore --from <your-backup-dir>", status}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in.build())
			if r.State != tt.state {
				t.Fatalf("Diagnose(...) state = %s, want %s (%s)", r.State, tt.state, r.Summary)
			}
			if got := commands(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diagnose(...) commands =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestDiagnose_StepWarnings checks the why of steps that must warn.
func TestDiagnose_StepWarnings(t *testing.T) {
	tests := []struct {
		name string
		in   *snapBuilder
		want []string // in the first step's why
	}{
		{"KinD down", newSnap().stranded().kindDown(), []string{"Never delete that container", "kind delete cluster", "--force-cleanup"}},
		{"stranded", newSnap().stranded(), []string{"backup first", "Never use --force-cleanup"}},
		{"split", newSnap().split(), []string{"Do not rerun eksctl", "never use --force-cleanup"}},
		{"paused in place: what resume clears", newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().workloadPaused(),
			[]string{"3 pause markers on 2 objects of clusters cluster3, w1", "backs the objects up first"}},
		{"paused in place, KinD down", newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().kind().kindDown(),
			[]string{"resume refuses for now", "docker start cluster3-eks-a-cluster-control-plane"}},
		{"control plane held while etcd upgrades", etcdRolling(), []string{"EtcdadmCluster cluster3-etcd is still upgrading etcd",
			"do not clear them by hand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in.build())
			for _, w := range tt.want {
				if !strings.Contains(r.NextSteps[0].Why, w) {
					t.Errorf("Diagnose(...) first step why = %q, want it to mention %q", r.NextSteps[0].Why, w)
				}
			}
		})
	}
	r := Diagnose(newSnap().eksa("").home(oldK8s).build())
	last := r.NextSteps[len(r.NextSteps)-1].Why
	if !strings.Contains(last, "--eksa-version") {
		t.Errorf("Diagnose(unknown version) rerun why = %q, want it to say how to pass --eksa-version", last)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/w/cluster3/c.yaml", "/w/cluster3/c.yaml"},
		{"/my dir/c.yaml", "'/my dir/c.yaml'"},
		{"/it's/c.yaml", `'/it'\''s/c.yaml'`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// etcdRolling: v0.19.8, cluster3 home, its control plane paused while its
// EtcdadmCluster upgrades etcd (the EKS-A controller's own pause).
func etcdRolling() *snapBuilder {
	b := newSnap().eksa("v0.19.8").home(newK8s)
	for i, o := range b.snap.Management.Objects {
		switch o.Kind {
		case "KubeadmControlPlane":
			b.snap.Management.Objects[i].Annotations = map[string]string{eksa.AnnotationCAPIPaused: ""}
		case "EtcdadmCluster":
			b.snap.Management.Objects[i].Annotations = map[string]string{eksa.AnnotationEtcdUpgrading: "true"}
		}
	}
	return b
}
