package diagnose

import (
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The never-destroy sweep's KinD variants that are readable and hold
// objects, none of them cluster3's: deleting KinD would destroy them too.

const (
	foreignCluster = "other-cluster"
	orphanPrefix   = "leftover"
)

// notCluster3s tells the objects kindForeign and kindOrphans add.
func notCluster3s(o snapshot.Object) bool {
	return o.ClusterName == foreignCluster || strings.HasPrefix(o.Name, orphanPrefix)
}

// kindForeign makes KinD readable and adds another cluster's Cluster and
// Machine (a second cluster created from the same admin machine).
func (b *snapBuilder) kindForeign() *snapBuilder {
	return b.kindHolding(foreignCluster)
}

// kindOrphans makes KinD readable and adds objects that claim no cluster
// (no owner, label or spec.clusterName): a template left by a failed run.
func (b *snapBuilder) kindOrphans() *snapBuilder {
	return b.kindHolding("")
}

func (b *snapBuilder) kindHolding(cluster string) *snapBuilder {
	b.snap.Bootstrap.Reachable, b.snap.Bootstrap.Forbidden, b.snap.Bootstrap.Error = true, false, ""
	name := cluster
	if name == "" {
		name = orphanPrefix
	}
	for _, o := range []snapshot.Object{
		{Group: eksa.GroupCAPI, Kind: "Cluster", Name: name},
		{Group: eksa.GroupInfrastructure, Kind: "VSphereMachineTemplate", Name: name + "-control-plane-1"},
		{Group: eksa.GroupCAPI, Kind: "Machine", Name: name + "-md-0-7d9c4-x2x8q"},
	} {
		o.Version, o.Namespace, o.ClusterName = "v1beta1", "eksa-system", cluster
		if cluster == "" && o.Kind == "Cluster" {
			continue // a Cluster always claims itself
		}
		b.snap.Bootstrap.Objects = append(b.snap.Bootstrap.Objects, o)
	}
	return b
}

// kindReadInPart makes KinD answer but refuse one list (its Secrets) and
// show no object: what it holds is not known, so it may hold cluster3's.
func (b *snapBuilder) kindReadInPart() *snapBuilder {
	b.snap.Bootstrap.Reachable, b.snap.Bootstrap.Forbidden, b.snap.Bootstrap.Error = true, false, ""
	b.snap.Bootstrap.Objects, b.snap.Bootstrap.Machines = nil, nil
	b.snap.Bootstrap.Unread = []snapshot.Unread{{Verb: "list", Resource: "secrets", Namespace: eksa.Namespace,
		Error: `secrets is forbidden: User "viewer" cannot list resource "secrets"`}}
	return b
}
