package diagnose

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

var (
	clusterKey = objgraph.ClusterKey("cluster3")
	kcpKey     = objgraph.Key{Group: eksa.GroupControlPlane, Kind: "KubeadmControlPlane", Name: "cluster3"}
	vscKey     = objgraph.Key{Group: eksa.GroupInfrastructure, Kind: "VSphereCluster", Name: "cluster3"}
	refKinds   = objgraph.Kinds{clusterKey.GroupKind(): {}, kcpKey.GroupKind(): {}, vscKey.GroupKind(): {}}
)

// referencing gives cluster3's Cluster on management, as the membership
// rule reads it, the references to; the objects named are not placed.
func (b *snapBuilder) referencing(refs ...objgraph.Ref) *snapBuilder {
	m := &b.snap.Management
	m.Kinds = refKinds
	m.Graph = append(m.Graph, objgraph.Node{Key: clusterKey, Claim: "cluster3", Refs: refs})
	return b
}

// placed puts an object of no cluster (no owner, no label: as EKS-A
// applied it) on a side.
func (b *snapBuilder) placed(side snapshot.Role, k objgraph.Key) *snapBuilder {
	cs := b.snap.Cluster(side)
	cs.Kinds = refKinds
	cs.Graph = append(cs.Graph, objgraph.Node{Key: k})
	cs.Objects = append(cs.Objects, snapshot.Object{Group: k.Group, Version: "v1beta1", Kind: k.Kind, Namespace: "eksa-system", Name: k.Name})
	return b
}

// withoutObject removes cluster3's object of that kind from management.
func (b *snapBuilder) withoutObject(kind string) *snapBuilder {
	var keep []snapshot.Object
	for _, o := range b.snap.Management.Objects {
		if o.Kind != kind {
			keep = append(keep, o)
		}
	}
	b.snap.Management.Objects = keep
	return b
}

var cpRef = objgraph.Ref{Field: "spec.controlPlaneRef", To: kcpKey}

// referenceCases: the cluster is home by its Cluster, but what the Cluster
// references is left in KinD, or nowhere.
func referenceCases() []stateCase {
	return []stateCase{
		{"references resolve on management", func() *snapBuilder {
			return newSnap().home(newK8s).kind().withoutObject("KubeadmControlPlane").
				referencing(cpRef).placed(snapshot.Management, kcpKey)
		}, Healthy},
		{"a reference to a kind no side serves as moveable is not judged", func() *snapBuilder {
			return newSnap().home(newK8s).kind().referencing(objgraph.Ref{Field: "spec.identityRef",
				To: objgraph.Key{Group: eksa.GroupInfrastructure, Kind: "VSphereClusterIdentity", Name: "id"}})
		}, Healthy},
		{"control plane left in KinD by a move that followed owners only", func() *snapBuilder {
			return newSnap().home(newK8s).kind().withoutObject("KubeadmControlPlane").
				referencing(cpRef).placed(snapshot.Bootstrap, kcpKey)
		}, SplitMove},
		{"control plane in neither cluster", func() *snapBuilder {
			return newSnap().home(newK8s).kind().withoutObject("KubeadmControlPlane").referencing(cpRef).
				backup("/w/cluster3/eksa-recover-backup-2024-04-15T11_00_00", 0, 32)
		}, PartlyMissing},
		{"control plane in neither cluster, no KinD", func() *snapBuilder {
			return newSnap().home(newK8s).withoutObject("KubeadmControlPlane").referencing(cpRef)
		}, PartlyMissing},
		{"control plane not on management, KinD down", func() *snapBuilder {
			return newSnap().home(newK8s).kind().withoutObject("KubeadmControlPlane").referencing(cpRef).kindDown()
		}, Unknown},
		{"control plane not on management, KinD forbidden", func() *snapBuilder {
			return newSnap().home(newK8s).kind().withoutObject("KubeadmControlPlane").referencing(cpRef).kindForbidden()
		}, Unknown},
	}
}

func TestDiagnose_References(t *testing.T) {
	tests := []struct {
		name        string
		finding     string // in the UnresolvedReference finding's message; "" for none
		objectsKinD string // in objects.bootstrap
		step        string // the first next step starts so
		why         string // and its why says
	}{
		{name: "references resolve on management"},
		{name: "a reference to a kind no side serves as moveable is not judged"},
		{name: "control plane left in KinD by a move that followed owners only",
			finding:     "Cluster.cluster.x-k8s.io/cluster3 on the management cluster: spec.controlPlaneRef names KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3, which the management cluster does not hold: it is only on the KinD bootstrap cluster",
			objectsKinD: "KubeadmControlPlane/cluster3", step: testPlugin + " move", why: "never use --force-cleanup"},
		{name: "control plane in neither cluster", finding: "neither cluster holds it",
			step: testPlugin + " restore --from /w/cluster3/eksa-recover-backup-2024-04-15T11_00_00",
			why:  "Cluster.cluster.x-k8s.io/cluster3's spec.controlPlaneRef names KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3"},
		{name: "control plane in neither cluster, no KinD", finding: "neither cluster holds it",
			step: testPlugin + " restore --from <your-backup-dir>"},
		{name: "control plane not on management, KinD down", finding: "could not be read, and may hold it",
			step: "docker start cluster3-eks-a-cluster-control-plane", why: "Never delete that container"},
		{name: "control plane not on management, KinD forbidden", finding: "could not be read, and may hold it",
			step: "kubectl --kubeconfig /w/cluster3/generated/cluster3.kind.kubeconfig auth can-i --list -n eksa-system"},
	}
	cases := map[string]stateCase{}
	for _, c := range referenceCases() {
		cases[c.name] = c
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := cases[tt.name]
			if !ok {
				t.Fatalf("no reference case %q", tt.name)
			}
			r := Diagnose(c.in().build())
			if r.State != c.want {
				t.Errorf("Diagnose(...) state = %s, want %s (summary: %s; reasons: %v)", r.State, c.want, r.Summary, r.Reasons)
			}
			var got []Finding
			for _, f := range r.Findings {
				if f.Code == CodeUnresolvedReference {
					got = append(got, f)
				}
			}
			switch {
			case tt.finding == "" && len(got) > 0:
				t.Errorf("Diagnose(...) findings %v, want no %s", got, CodeUnresolvedReference)
			case tt.finding != "" && (len(got) != 1 || !strings.Contains(got[0].Message, tt.finding) ||
				got[0].Severity != Error || got[0].Location != "management" || got[0].Object != clusterKey.String()):
				t.Errorf("Diagnose(...) %s findings = %+v, want one error on management naming the Cluster, saying %q", CodeUnresolvedReference, got, tt.finding)
			}
			if tt.objectsKinD != "" && !strings.Contains(strings.Join(r.Objects.Bootstrap, ","), tt.objectsKinD) {
				t.Errorf("Diagnose(...) objects.bootstrap = %v, want %s among them", r.Objects.Bootstrap, tt.objectsKinD)
			}
			if tt.step == "" {
				return
			}
			if len(r.NextSteps) == 0 || !strings.HasPrefix(r.NextSteps[0].Command, tt.step) || !strings.Contains(r.NextSteps[0].Why, tt.why) {
				t.Errorf("Diagnose(...) first step = %+v, want %q because %q", r.NextSteps, tt.step, tt.why)
			}
		})
	}
}
