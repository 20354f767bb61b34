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
// with the whole namespace.
func Members(nodes []Node, kinds Kinds, cluster string) map[Key]bool {
	g := index(nodes)
	out := map[Key]bool{}
	for _, n := range nodes {
		if cluster == "" {
			switch {
			case isRoot(n, kinds):
				g.walk(n.Key, out)
			case isMarkedMove(n, kinds) || g.hasMissingOwner(n, kinds):
				out[n.Key] = true
			}
			continue
		}
		if startsCluster(n, cluster) {
			g.walk(n.Key, out)
		}
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
	g := index(nodes)
	out := map[Key]string{}
	for _, c := range sorted {
		members := map[Key]bool{}
		for _, n := range nodes {
			if startsCluster(n, c) {
				g.walk(n.Key, members)
			}
		}
		for k := range members {
			if _, taken := out[k]; !taken {
				out[k] = c
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

// graph indexes nodes by key and owner.
type graph struct {
	all      map[Key]Node
	children map[Key][]Key
}

func index(nodes []Node) graph {
	g := graph{all: make(map[Key]Node, len(nodes)), children: map[Key][]Key{}}
	for _, n := range nodes {
		g.all[n.Key] = n
	}
	for _, n := range nodes {
		for _, owner := range g.ownersOf(n) {
			g.children[owner] = append(g.children[owner], n.Key)
		}
	}
	return g
}

// walk adds k and everything it owns, transitively.
func (g graph) walk(k Key, into map[Key]bool) {
	if into[k] {
		return
	}
	into[k] = true
	for _, c := range g.children[k] {
		g.walk(c, into)
	}
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
