package objgraph

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Which objects move, as clusterctl's objectgraph decides it: every object
// of a move-hierarchy root (a Cluster, ClusterClass or ClusterResourceSet,
// or a kind or object labelled move-hierarchy) moves with the whole tree it
// owns, through owner references and soft owners; objects of kinds or with
// labels marked move move on their own.

// Kinds clusterctl always treats as move-hierarchy roots.
var builtinRoots = map[schema.GroupKind]bool{
	{Group: eksa.GroupCAPI, Kind: "Cluster"}:              true,
	{Group: eksa.GroupCAPI, Kind: "ClusterClass"}:         true,
	{Group: eksa.GroupAddons, Kind: "ClusterResourceSet"}: true,
}

// Members picks the objects of cluster ("" keeps the whole namespace) from
// the namespace's nodes; kinds carries the CRDs' move labels.
//
// The whole namespace is what clusterctl moves: the trees of the roots and
// what is marked move. Unlike clusterctl, it also takes a CAPI object whose
// owner is gone, so that the move names it rather than silently leaving it
// behind. One cluster is EKS-A's --filter-cluster: the trees of its Cluster,
// of what names it (its cluster-name label or spec.clusterName: an object
// applied before any controller set its owners), and of the Secrets and ConfigMaps
// named <cluster>-*; roots and move-marked objects of no cluster move only
// with the whole namespace. A tree holds what its objects own and what
// they reference (Node.Refs), so objects applied before any owner
// reference was set belong as they will once it is.
func Members(nodes []Node, kinds Kinds, cluster string) map[Key]bool {
	return Across([]Side{{Nodes: nodes, Kinds: kinds}}, cluster)[0]
}

// Side is one cluster's nodes, with its moveable kinds.
type Side struct {
	Nodes []Node
	Kinds Kinds
	// OneCluster: the side holds one cluster's objects only, as eksctl's
	// KinD does (it is made for one cluster and deleted after it). What is
	// marked move there and claims no cluster (a Tinkerbell Hardware not yet
	// allocated, its BMC machine) is that cluster's: deleting KinD would
	// otherwise lose it.
	OneCluster bool
}

// Across is Members on several clusters at once (management and KinD):
// each side's members of cluster. An owner or a reference that names
// nothing on its own side is followed to the first other side that holds
// it, so the objects a cut-off move (or one that followed owners alone)
// left behind are still the cluster's: KinD's KubeadmControlPlane that
// management's Cluster names in spec.controlPlaneRef is the cluster's, in
// KinD.
func Across(sides []Side, cluster string) []map[Key]bool {
	return indexAcross(sides).members(sides, cluster)
}

// AcrossResolved is Across and the references of its members that do not
// resolve on their own side (see unresolved), with the sides
// indexed once: at 5,000 Machines the index is most of the work of either.
func AcrossResolved(sides []Side, cluster string) ([]map[Key]bool, []Dangling) {
	g := indexAcross(sides)
	members := g.members(sides, cluster)
	return members, g.unresolved(sides, members)
}

func (g crossGraph) members(sides []Side, cluster string) []map[Key]bool {
	out := make([]map[Key]bool, len(sides))
	walked := map[sideKey]bool{}
	for s, side := range sides {
		out[s] = map[Key]bool{}
		one := g.sides[s]
		for _, n := range side.Nodes {
			at := sideKey{s, n.Key}
			switch {
			case cluster != "":
				if startsCluster(n, cluster) || (side.OneCluster && n.Claim == "" && isMarkedMove(n, side.Kinds)) {
					g.walk(at, walked)
				}
			case isRoot(n, side.Kinds):
				g.walk(at, walked)
			case isMarkedMove(n, side.Kinds) || one.hasMissingOwner(n, side.Kinds):
				walked[at] = true
			}
		}
	}
	for k := range walked {
		out[k.side][k.key] = true
	}
	return out
}

// ClusterOf names, for each node, the cluster it is a member of: for each
// cluster some node claims, Members of it. A node
// two clusters claim (a Secret named after both) goes to the one sorted
// first; a node of none is absent.
func ClusterOf(nodes []Node, kinds Kinds) map[Key]string {
	names := map[string]bool{}
	for _, n := range nodes {
		if n.Claim != "" {
			names[n.Claim] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for c := range names {
		sorted = append(sorted, c)
	}
	sort.Strings(sorted)
	g := indexAcross([]Side{{Nodes: nodes, Kinds: kinds}})
	out := map[Key]string{}
	for _, c := range sorted {
		members := map[sideKey]bool{}
		for _, n := range nodes {
			if startsCluster(n, c) {
				g.walk(sideKey{0, n.Key}, members)
			}
		}
		for k := range members {
			if _, taken := out[k.key]; !taken {
				out[k.key] = c
			}
		}
	}
	return out
}

// startsCluster: the node is where the cluster's trees start: its Cluster,
// what names it (label or spec.clusterName), its core objects named
// <cluster>-*.
func startsCluster(n Node, cluster string) bool {
	return n.Claim == cluster || (n.Key.Group == "" && strings.HasPrefix(n.Key.Name, cluster+"-"))
}

// graph indexes one side's nodes by key.
type graph struct {
	all map[Key]Node
}

func index(nodes []Node) graph {
	g := graph{all: make(map[Key]Node, len(nodes))}
	for _, n := range nodes {
		g.all[n.Key] = n
	}
	return g
}

// ownersOf lists n's owners that are present: its owner references and its
// soft owner.
func (g graph) ownersOf(n Node) []Key {
	var out []Key
	for _, o := range n.Owners {
		if _, ok := g.all[o]; ok {
			out = append(out, o)
		}
	}
	if n.Soft != nil {
		if _, ok := g.all[*n.Soft]; ok {
			out = append(out, *n.Soft)
		}
	}
	return out
}

func isRoot(n Node, kinds Kinds) bool {
	gk := n.Key.GroupKind()
	_, labelled := n.Labels[eksa.LabelMoveHierarchy]
	return builtinRoots[gk] || kinds[gk].MoveHierarchy || labelled
}

func isMarkedMove(n Node, kinds Kinds) bool {
	_, labelled := n.Labels[eksa.LabelMove]
	return kinds[n.Key.GroupKind()].Move || labelled
}

// hasMissingOwner says whether a CAPI object names an owner of a moveable
// kind that is not in the namespace.
func (g graph) hasMissingOwner(n Node, kinds Kinds) bool {
	if n.Key.Group == "" {
		return false // Secrets and ConfigMaps of other owners are none of the move's business
	}
	for _, o := range n.Owners {
		if _, moveable := kinds[o.GroupKind()]; !moveable {
			continue
		}
		if _, ok := g.all[o]; !ok {
			return true
		}
	}
	return false
}
