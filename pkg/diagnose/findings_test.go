package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// findingsWith returns the findings of one code.
func findingsWith(r Report, code string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func TestDiagnose_MachineWithoutNode(t *testing.T) {
	etcdByLabel := func() *snapBuilder {
		// A Machine the reader could not give a role: its label still says etcd.
		b := newSnap().home(newK8s)
		for i, m := range b.snap.Management.Machines {
			if m.Role == snapshot.RoleEtcd {
				b.snap.Management.Machines[i].Role = ""
			}
		}
		return b
	}
	tests := []struct {
		name string
		in   *snapBuilder
		want []string // objects flagged
	}{
		{"etcd Machine by role never flagged", newSnap().home(newK8s), nil},
		{"etcd Machine by label never flagged", etcdByLabel(), nil},
		{"control-plane Machine without a Node", func() *snapBuilder {
			b := newSnap().home(newK8s)
			b.machine(cpMachine).NodeName = ""
			return b
		}(), []string{"Machine/eksa-system/cluster3-2snw8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range findingsWith(Diagnose(tt.in.build()), CodeMachineWithoutNode) {
				got = append(got, f.Object)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Diagnose(...) MachineWithoutNode on %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDiagnose_Findings(t *testing.T) {
	tests := []struct {
		name string
		in   *snapBuilder
		code string
		want []string // each in the message of one finding, in order
		sev  Severity
	}{
		{"skew", newSnap().home(oldK8s), CodeVersionSkew, []string{"the control plane runs v1.23.17-eks-1-23-19, the workers " +
			"v1.22.17-eks-1-22-24: what a cut-off rolling upgrade leaves, the control plane was upgraded, the workers were not yet"}, Warning},
		{"no phase", newSnap().home(newK8s).mgmtMachine(snapshot.Machine{Name: "cluster3-x", ClusterName: "cluster3", Role: snapshot.RoleWorker}),
			CodeMachineNotRunning, []string{"have not reported its status yet"}, Info},
		{"failed machine", newSnap().home(newK8s).mgmtMachine(snapshot.Machine{Name: "cluster3-x", ClusterName: "cluster3", Phase: "Failed"}),
			CodeMachineNotRunning, []string{"Machine cluster3-x is Failed"}, Error},
		{"node not ready", func() *snapBuilder {
			b := newSnap().home(newK8s)
			b.node(workerMachine).Ready = false
			return b
		}(), CodeNodeNotReady, []string{"Node cluster3-md-0-854976576-tw6hr"}, Warning},
		{"EKS-A pause on v0.19", newSnap().eksa("v0.19.8").home(newK8s).annotate(eksa.AnnotationEKSAPaused, "true"), CodePauseMarker,
			[]string{`annotation anywhere.eks.amazonaws.com/paused: "true" on Cluster/default/cluster3 (cluster cluster3) on the management cluster: from EKS-A v0.19`}, Warning},
		{"workload paused", newSnap().eksa("v0.19.8").home(newK8s).workloadPaused(), CodePauseMarker,
			[]string{"spec.paused: true on Cluster/eksa-system/w1 (cluster w1) on the management cluster"}, Warning},
		{"validation-phase checkpoint", newSnap().home(newK8s).checkpoint("install-capi", "setup-and-validate", "update-secrets"),
			CodeFailedTask, []string{"eksctl completed 2 tasks (setup-and-validate, update-secrets) and failed at install-capi, in the validation phase"}, Warning},
		{"upgrade-phase checkpoint", newSnap().stranded().checkpoint("upgrade-workload-cluster"), CodeFailedTask,
			[]string{"failed at upgrade-workload-cluster, in the upgrade phase"}, Warning},
		{"backups, newest first", newSnap().backup("/w/b-old", 50*time.Hour, 20).backup("/w/b-new", 3*time.Hour+5*time.Minute, 27),
			CodeBackupFound, []string{"backup /w/b-new (written by eksctl-bootstrap), 3h5m old, 27 objects", "/w/b-old (written by eksctl-bootstrap), 2d2h old, 20 objects"}, Info},
		{"KinD left behind", newSnap().home(newK8s).kind(), CodeKindLeftBehind, []string{"cluster3-eks-a-cluster is still running and holds no Cluster API objects"}, Info},
		{"KinD down, carrying on", newSnap().home(newK8s).kind().kindDown(), CodeBootstrapDown, []string{"(connection refused); carrying on with the management cluster, which holds 10 of cluster3's objects. Do not delete KinD (container cluster3-eks-a-cluster-control-plane)"}, Warning},
		{"version unknown", newSnap().eksa("").home(newK8s), CodeVersionUnknown, []string{"--eksa-version"}, Warning},
		{"bad flag", newSnap().eksa("").flag("latest").home(newK8s), CodeVersionUnknown, []string{`--eksa-version "latest" is not a version`}, Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findingsWith(Diagnose(tt.in.build()), tt.code)
			if len(got) == 0 {
				t.Fatalf("Diagnose(...) has no %s finding", tt.code)
			}
			for i, w := range tt.want {
				if i >= len(got) || !strings.Contains(got[i].Message, w) {
					t.Errorf("Diagnose(...) %s findings = %+v, want #%d to contain %q", tt.code, got, i, w)
				}
			}
			if got[0].Severity != tt.sev {
				t.Errorf("Diagnose(...) %s severity = %s, want %s", tt.code, got[0].Severity, tt.sev)
			}
		})
	}
}

func TestDiagnose_NoFindingsWhenHealthy(t *testing.T) {
	r := Diagnose(newSnap().home(newK8s).build())
	if len(r.Findings) != 0 {
		t.Errorf("Diagnose(healthy) findings = %+v, want none", r.Findings)
	}
}

func TestDiagnose_FindingOrder(t *testing.T) {
	b := newSnap().eksa("v0.19.8").home(oldK8s).eksaPaused().workloadPaused().checkpoint("upgrade-workload-cluster").
		backup("/w/b1", time.Hour, 3).mgmtMachine(snapshot.Machine{Name: "cluster3-z", ClusterName: "cluster3", Phase: "Failed"})
	r := Diagnose(b.build())
	for i := 1; i < len(r.Findings); i++ {
		a, c := r.Findings[i-1], r.Findings[i]
		if severityRank[a.Severity] > severityRank[c.Severity] ||
			(a.Severity == c.Severity && (a.Code > c.Code || (a.Code == c.Code && a.Object > c.Object))) {
			t.Errorf("Diagnose(...) findings out of order: %s %s %s before %s %s %s",
				a.Severity, a.Code, a.Object, c.Severity, c.Code, c.Object)
		}
	}
	if r.Findings[0].Severity != Error {
		t.Errorf("Diagnose(...) first finding = %+v, want the error first", r.Findings[0])
	}
}
