package ops

import (
	"cmp"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
)

// What each plan asks of the API servers, derived from what the plan does:
// the kinds it lists, those it writes, the Lease it takes. checkRights asks
// for them before the first write; Roles renders the same functions over
// every kind a plan may meet, so the roles deploy/rbac holds cannot drift
// from what the plans ask.

// needs are a plan's on each cluster; bootstrap is nil when it asks KinD
// for nothing.
type needs struct{ management, bootstrap []rights.Need }

// side is what a plan reads on one cluster: the kinds it lists in
// eksa-system (mover's listAll: every moveable kind, Secrets and
// ConfigMaps) and clusterctl's provider inventory, listed everywhere.
type side struct {
	listed    []rights.Resource
	providers *rights.Resource
}

var (
	leases    = rights.Resource{Group: mover.LeaseResource.Group, Resource: mover.LeaseResource.Resource}
	crds      = rights.Resource{Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}
	clusters  = rights.Resource{Group: eksa.GroupCAPI, Resource: "clusters"}
	lockVerbs = []string{"get", "create", "update", "delete"}
)

// sideOf is what the plans list on c: every kind it serves that a move carries.
func sideOf(c *writable.Cluster) side {
	s := side{}
	for _, r := range c.Resources {
		s.listed = append(s.listed, rights.Resource{Group: r.GVR.Group, Resource: r.GVR.Resource})
	}
	sortResources(s.listed)
	if c.Providers != nil {
		s.providers = &rights.Resource{Group: c.Providers.GVR.Group, Resource: c.Providers.GVR.Resource}
	}
	return s
}

// resourcesOf names kinds as c serves them. The plans' preflights refused
// a kind c does not serve, so none is left out here.
func resourcesOf(c *writable.Cluster, kinds []schema.GroupKind) []rights.Resource {
	out := make([]rights.Resource, 0, len(kinds))
	for _, gk := range kinds {
		r, ok := c.Resources[gk]
		if !ok {
			r, ok = c.EKSA[gk]
		}
		if ok {
			out = append(out, rights.Resource{Group: r.GVR.Group, Resource: r.GVR.Resource})
		}
	}
	sortResources(out)
	return out
}

// sortResources orders resources as a refusal names them, the same every run.
func sortResources(rs []rights.Resource) {
	slices.SortFunc(rs, func(a, b rights.Resource) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Resource, b.Resource))
	})
}

// connectNeeds: connecting lists the CRDs labelled for clusterctl.
func connectNeeds() []rights.Need { return rights.Needs([]string{"list"}, "", crds) }

// reads are a side's lists.
func (s side) reads() []rights.Need {
	out := append(connectNeeds(), rights.Needs([]string{"list"}, eksa.Namespace, s.listed...)...)
	if s.providers != nil {
		out = append(out, rights.Needs([]string{"list"}, "", *s.providers)...)
	}
	return out
}

// moveNeeds: a move lists every kind on both sides; on the source it
// patches (pauses the Clusters, marks what it deletes) and deletes the
// moved kinds; on the target it creates them (updating, after a get, what
// is there), unpauses the Clusters and holds the Lease. A plan that only
// finishes a cut-off move (moved empty) unpauses under the Lease.
func moveNeeds(from, to side, moved []rights.Resource) (source, target []rights.Need) {
	source, target = from.reads(), to.reads()
	source = append(source, rights.Needs([]string{"get", "patch", "delete"}, eksa.Namespace, moved...)...)
	target = append(target, rights.Needs([]string{"create", "get", "update"}, eksa.Namespace, moved...)...)
	target = append(target, rights.Needs([]string{"patch"}, eksa.Namespace, clusters)...)
	return source, append(target, rights.Needs(lockVerbs, eksa.Namespace, leases)...)
}

// restoreNeeds: a restore lists and reads back the backup's kinds on the
// management cluster, creates them (updating what is there, with --force),
// unpauses the Clusters and holds the Lease; on KinD (kind, when set) it
// lists every kind, to refuse a second live copy.
func restoreNeeds(written []rights.Resource, kind *side) needs {
	n := needs{management: connectNeeds()}
	n.management = append(n.management, rights.Needs([]string{"get", "list", "create", "update"}, eksa.Namespace, written...)...)
	n.management = append(n.management, rights.Needs([]string{"patch"}, eksa.Namespace, clusters)...)
	n.management = append(n.management, rights.Needs(lockVerbs, eksa.Namespace, leases)...)
	if kind != nil {
		n.bootstrap = kind.reads()
	}
	return n
}

// resumeNeeds: resume reads each object it clears afresh and patches it,
// in its own namespace (an EKS-A Cluster's may be any).
func resumeNeeds(objects []rights.Resource, namespaces []string) needs {
	n := needs{management: connectNeeds()}
	for i, r := range objects {
		n.management = append(n.management, rights.Needs([]string{"get", "patch"}, namespaces[i], r)...)
	}
	return n
}

// resumeAfterNeeds: what the resume recover runs after a move or a restore
// (without asking again, when the state then calls for it) asks of the
// management cluster: get and patch on each object that carries one of
// markers, the pause markers on management as status read them, in its
// namespace. The Clusters a move or restore brings are patched by the plan
// itself, under its own needs. Checked with the plan's, so that a user who
// may move but not resume is refused before the move, not after it.
func resumeAfterNeeds(mgmt *writable.Cluster, markers []pause.Marker) []rights.Need {
	var objects []rights.Resource
	var namespaces []string
	for _, m := range markers {
		r := resourcesOf(mgmt, []schema.GroupKind{{Group: m.Object.Group, Kind: m.Object.Kind}})
		objects = append(objects, r...)
		for range r {
			namespaces = append(namespaces, m.Object.Namespace)
		}
	}
	return resumeNeeds(objects, namespaces).management
}
