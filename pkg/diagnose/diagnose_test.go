package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

type stateCase struct {
	name string
	in   func() *snapBuilder
	want State
}

// stateCases is the scenario table: every state, and the rules that pick
// between the management-side states. The safety test reruns it per era.
func stateCases() []stateCase {
	return append(append(inPlaceStateCases(), signalStateCases()...), []stateCase{
		{"healthy", func() *snapBuilder { return newSnap().home(newK8s) }, Healthy},
		{"healthy, KinD left behind", func() *snapBuilder { return newSnap().home(newK8s).kind() }, Healthy},
		{"skew", func() *snapBuilder { return newSnap().home(oldK8s) }, UpgradeIncomplete},
		{"skew, KinD left behind", func() *snapBuilder { return newSnap().home(oldK8s).kind() }, UpgradeIncomplete},
		{"machine without phase after a move", func() *snapBuilder {
			return newSnap().home(newK8s).mgmtMachine(snapshot.Machine{Name: "cluster3-x", ClusterName: "cluster3",
				Role: snapshot.RoleWorker, Version: newK8s})
		}, UpgradeIncomplete},
		{"machine provisioning", func() *snapBuilder {
			return newSnap().home(newK8s).mgmtMachine(snapshot.Machine{Name: "cluster3-x", ClusterName: "cluster3",
				Role: snapshot.RoleWorker, Version: newK8s, Phase: "Provisioning"})
		}, UpgradeIncomplete},
		{"node not ready", func() *snapBuilder {
			b := newSnap().home(newK8s)
			b.node(cpMachine).Ready = false
			return b
		}, UpgradeIncomplete},
		{"skew, EKS-A paused on v0.16 (not blocking)", func() *snapBuilder { return newSnap().home(oldK8s).eksaPaused() }, UpgradeIncomplete},
		{"validation failed by checkpoint", func() *snapBuilder {
			return newSnap().home(oldK8s).kind().eksaPaused().checkpoint("install-capi", "setup-and-validate")
		}, ValidationFailed},
		{"validation failed: empty KinD and EKS-A paused", func() *snapBuilder {
			return newSnap().home(oldK8s).kind().eksaPaused()
		}, ValidationFailed},
		{"checkpoint in upgrade phase beats the KinD clue", func() *snapBuilder {
			return newSnap().home(newK8s).kind().eksaPaused().checkpoint("resume-eksa-and-gitops-kustomization")
		}, PausedAfterFailure},
		{"EKS-A paused on v0.16, upgrade done", func() *snapBuilder { return newSnap().home(newK8s).eksaPaused() }, PausedAfterFailure},
		{"GitOps paused, upgrade done", func() *snapBuilder {
			return newSnap().home(newK8s).annotate(eksa.AnnotationFluxReconcile, "disabled")
		}, PausedAfterFailure},
		{"CAPI Cluster paused mid-upgrade", func() *snapBuilder { return newSnap().home(oldK8s).capiPaused() }, PausedAfterFailure},
		{"KubeadmControlPlane paused annotation mid-upgrade", func() *snapBuilder {
			b := newSnap().home(oldK8s)
			b.objectNamed("KubeadmControlPlane", "cluster3").Annotations = map[string]string{eksa.AnnotationCAPIPaused: ""}
			return b
		}, PausedAfterFailure},
		{"in place v0.19: workloads and EKS-A paused", func() *snapBuilder {
			return newSnap().eksa("v0.19.8").home(newK8s).eksaPaused().workloadPaused()
		}, PausedAfterFailure},
		{"v0.19 EKS-A paused mid-upgrade blocks", func() *snapBuilder {
			return newSnap().eksa("v0.19.8").home(oldK8s).eksaPaused()
		}, PausedAfterFailure},
		{"unknown version: EKS-A paused blocks", func() *snapBuilder { return newSnap().eksa("").home(oldK8s).eksaPaused() }, PausedAfterFailure},
		{"stranded", func() *snapBuilder { return newSnap().stranded().eksaPaused().checkpoint("upgrade-workload-cluster") }, StrandedInBootstrap},
		{"split", func() *snapBuilder { return newSnap().split().capiPaused() }, SplitMove},
		{"KinD down, objects not on management", func() *snapBuilder { return newSnap().stranded().kindDown() }, BootstrapUnreachable},
		{"KinD down, objects on management", func() *snapBuilder { return newSnap().home(oldK8s).kind().kindDown() }, UpgradeIncomplete},
		{"KinD forbidden, management lacks the Cluster", func() *snapBuilder { return newSnap().stranded().kindForbidden() }, Unknown},
		{"KinD forbidden, management holds the Cluster", func() *snapBuilder {
			return newSnap().home(newK8s).kind().kindForbidden()
		}, Healthy},
		{"no management kubeconfig", func() *snapBuilder { return newSnap().noMgmt().stranded() }, Unknown},
		{"management forbidden", func() *snapBuilder { return newSnap().home(newK8s).mgmtForbidden() }, Unknown},
		{"management unreachable", func() *snapBuilder { return newSnap().stranded().mgmtDown() }, ManagementUnreachable},
		{"missing with backups", func() *snapBuilder {
			return newSnap().backup("/w/cluster3/cluster-state-backup-old", 3*time.Hour, 27).
				backup("/w/cluster3/bootstrap-cluster-state-backup-new", 12*time.Minute, 27)
		}, Missing},
		{"missing without backups, empty KinD", func() *snapBuilder { return newSnap().kind() }, Missing},
		{"partial: objects without the Cluster", func() *snapBuilder {
			b := newSnap().home(newK8s)
			b.snap.Management.Objects = b.snap.Management.Objects[1:]
			return b
		}, Unknown},
	}...)
}

func TestDiagnose_States(t *testing.T) {
	for _, tt := range stateCases() {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in().build())
			if r.State != tt.want {
				t.Errorf("Diagnose(...) state = %s, want %s (summary: %s; reasons: %v)", r.State, tt.want, r.Summary, r.Reasons)
			}
			if r.Summary == "" {
				t.Errorf("Diagnose(...) summary is empty")
			}
			if r.State == Unknown && len(r.Reasons) == 0 {
				t.Errorf("Diagnose(...) state Unknown without reasons")
			}
			if len(r.NextSteps) == 0 && r.State != Healthy {
				t.Errorf("Diagnose(...) state %s without next steps", r.State)
			}
		})
	}
}

func TestDiagnose_NilSnapshot(t *testing.T) {
	r := Diagnose(Input{ClusterName: "cluster3", Plugin: testPlugin})
	if r.State != Unknown || len(r.Reasons) == 0 {
		t.Errorf("Diagnose(no snapshot) = %s %v, want Unknown with reasons", r.State, r.Reasons)
	}
	if r.Findings == nil || r.NextSteps == nil || r.Machines == nil || r.Backups == nil {
		t.Errorf("Diagnose(no snapshot) left a list nil: JSON would print null")
	}
}

// TestDiagnose_NeverDestroysStrandedObjects: whatever the era and whatever
// else is set, while any of the cluster's objects are (or may be) in KinD,
// no command deletes KinD; and --force-cleanup only where it exists.
//
// "May be" is the test's own reading of the snapshot, not the code's: KinD
// may hold objects unless its kubeconfig was found, it answered, the read
// was allowed and complete, and it listed none. Every case runs as written
// and again with a configured KinD down, forbidden, readable holding
// objects none of which are cluster3's (another cluster's, or no cluster's),
// and readable but refusing one list (so not known to be empty).
func TestDiagnose_NeverDestroysStrandedObjects(t *testing.T) {
	eras := []string{"v0.15.3", "v0.16.5", "v0.17.6", "v0.18.2", "v0.19.8", "v0.22.0", ""}
	destructive := []string{"eksctl anywhere", "--force-cleanup", "kind delete", "docker rm", "docker stop", "delete", "finalizers"}
	// Whatever may hold objects must not be deleted; eksctl's rerun
	// without --force-cleanup leaves KinD alone.
	// Nor is a Machine forced out (finalizers) whose twin may sit in KinD.
	deletesKinD := []string{"--force-cleanup", "kind delete", "docker rm", "docker stop", "delete", "finalizers"}
	variants := []struct {
		name  string
		apply func(*snapBuilder) *snapBuilder
	}{
		{"", func(b *snapBuilder) *snapBuilder { return b }},
		{"/KinD down", (*snapBuilder).kindDown},
		{"/KinD forbidden", (*snapBuilder).kindForbidden},
		{"/KinD holds another cluster's objects", (*snapBuilder).kindForeign},
		{"/KinD holds objects of no cluster", (*snapBuilder).kindOrphans},
		{"/KinD read in part (a list refused)", (*snapBuilder).kindReadInPart},
	}
	for _, tt := range append(stateCases(), referenceCases()...) {
		for _, vr := range variants {
			for _, e := range eras {
				b := tt.in()
				if vr.name != "" && !b.snap.Bootstrap.Configured {
					continue // no KinD to take down
				}
				t.Run(tt.name+vr.name+"/"+orNone(e), func(t *testing.T) {
					b = vr.apply(b)
					if len(b.snap.Management.EKSA) > 0 {
						b.eksa(e)
					}
					in := b.build()
					r := Diagnose(in)
					kind := in.Snapshot.Bootstrap
					// cluster3's objects in KinD (those it claims or
					// references) forbid every destructive step; any object
					// at all, even the variants' that are not cluster3's,
					// forbids deleting KinD.
					objectsInKind := false
					for _, o := range kind.Objects {
						objectsInKind = objectsInKind || !notCluster3s(o)
					}
					knownEmpty := kind.Configured && kind.Reachable && !kind.Forbidden && kind.Error == "" && len(kind.Unread) == 0 && len(kind.Objects) == 0
					mayHold := kind.Configured && !knownEmpty
					for _, s := range r.NextSteps {
						if objectsInKind || r.State == BootstrapUnreachable || r.State == StrandedInBootstrap || r.State == SplitMove {
							for _, d := range destructive {
								if strings.Contains(s.Command, d) {
									t.Errorf("Diagnose(...) state %s suggests %q with objects in KinD", r.State, s.Command)
								}
							}
						}
						if mayHold {
							for _, d := range deletesKinD {
								if strings.Contains(s.Command, d) {
									t.Errorf("Diagnose(...) state %s suggests %q while KinD may hold objects (reachable %v, forbidden %v, error %q)",
										r.State, s.Command, kind.Reachable, kind.Forbidden, kind.Error)
								}
							}
						}
						if strings.Contains(s.Command, "--force-cleanup") && (e == "" || e >= "v0.17") {
							t.Errorf("Diagnose(...) on EKS-A %q suggests %q", e, s.Command)
						}
						if r.State == ManagementUnreachable && strings.Contains(s.Command, " move") {
							t.Errorf("Diagnose(...) suggests a move while management is unreachable: %q", s.Command)
						}
					}
				})
			}
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
