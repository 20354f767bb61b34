package mover

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Which objects move, as clusterctl's objectgraph decides it: every object
// of a move-hierarchy root (a Cluster, ClusterClass or ClusterResourceSet,
// or a kind or object labelled move-hierarchy) moves with the whole tree it
// owns, through owner references and the soft ownerships below; objects of
// kinds or with labels marked move move on their own.

// Kinds clusterctl always treats as move-hierarchy roots.
var builtinRoots = map[schema.GroupKind]bool{
	{Group: "cluster.x-k8s.io", Kind: "Cluster"}:                   true,
	{Group: "cluster.x-k8s.io", Kind: "ClusterClass"}:              true,
	{Group: "addons.cluster.x-k8s.io", Kind: "ClusterResourceSet"}: true,
}

// secretPurposes are the suffixes of the Secrets CAPI names for a cluster
// (<cluster>-kubeconfig, ...); longest first, so -apiserver-etcd-client is
// not read as an -etcd Secret of cluster "<cluster>-apiserver".
var secretPurposes = []string{"apiserver-etcd-client", "kubeconfig", "proxy", "etcd", "ca", "sa"}

// Select picks the graph of clusterName ("" keeps the whole namespace) from
// the namespace's objects; kinds carries the CRDs' move labels.
//
// The whole namespace is what clusterctl moves: the trees of the roots and
// what is marked move. Unlike clusterctl, it also takes a CAPI object whose
// owner is gone, so that CheckWhole names it rather than the move silently
// leaving it behind. One cluster is EKS-A's --filter-cluster: the trees of
// its Cluster, of what carries its cluster-name label, and of the Secrets
// and ConfigMaps named <cluster>-*; roots and move-marked objects of no
// cluster move only with the whole namespace.
func Select(objs []*unstructured.Unstructured, kinds map[schema.GroupKind]snapshot.Resource, clusterName string) *Graph {
	all := make(map[Key]*unstructured.Unstructured, len(objs))
	for _, o := range objs {
		all[KeyOf(o)] = o
	}
	children := map[Key][]Key{}
	for k, o := range all {
		for _, owner := range ownersOf(o, all) {
			children[owner] = append(children[owner], k)
		}
	}
	g := &Graph{Objects: map[Key]*unstructured.Unstructured{}}
	var walk func(k Key)
	walk = func(k Key) {
		if _, done := g.Objects[k]; done {
			return
		}
		g.Objects[k] = all[k]
		for _, c := range children[k] {
			walk(c)
		}
	}
	for k, o := range all {
		if clusterName == "" {
			switch {
			case isRoot(o, kinds):
				walk(k)
			case isMarkedMove(o, kinds) || hasMissingOwner(o, all, kinds):
				g.Objects[k] = o
			}
			continue
		}
		core := k.Group == ""
		if (isCluster(k) && k.Name == clusterName) ||
			o.GetLabels()[labelClusterName] == clusterName ||
			(core && strings.HasPrefix(k.Name, clusterName+"-")) {
			walk(k)
		}
	}
	return g
}

// ownersOf lists o's owners in all: its owner references, and the soft
// ownerships clusterctl adds where CAPI links objects by name only.
func ownersOf(o *unstructured.Unstructured, all map[Key]*unstructured.Unstructured) []Key {
	var out []Key
	for _, ref := range o.GetOwnerReferences() {
		if _, ok := all[ownerKey(ref)]; ok {
			out = append(out, ownerKey(ref))
		}
	}
	if soft, ok := softOwner(o); ok {
		if _, present := all[soft]; present {
			out = append(out, soft)
		}
	}
	return out
}

// softOwner is the object clusterctl treats as o's owner without an owner
// reference: the Cluster of a Secret named <cluster>-<purpose> that has no
// owner, the ClusterClass of a Cluster with a topology, and the Cluster of
// a ClusterResourceSetBinding.
func softOwner(o *unstructured.Unstructured) (Key, bool) {
	k := KeyOf(o)
	switch {
	case k.Group == "" && k.Kind == "Secret" && len(o.GetOwnerReferences()) == 0:
		for _, p := range secretPurposes {
			if cluster, ok := strings.CutSuffix(k.Name, "-"+p); ok && cluster != "" {
				return Key{Group: "cluster.x-k8s.io", Kind: "Cluster", Name: cluster}, true
			}
		}
	case isCluster(k):
		class, _, _ := unstructured.NestedString(o.Object, "spec", "topology", "classRef", "name") // v1beta2
		if class == "" {
			class, _, _ = unstructured.NestedString(o.Object, "spec", "topology", "class") // v1beta1
		}
		if class != "" {
			return Key{Group: "cluster.x-k8s.io", Kind: "ClusterClass", Name: class}, true
		}
	case k.Group == "addons.cluster.x-k8s.io" && k.Kind == "ClusterResourceSetBinding":
		if cluster, _, _ := unstructured.NestedString(o.Object, "spec", "clusterName"); cluster != "" {
			return Key{Group: "cluster.x-k8s.io", Kind: "Cluster", Name: cluster}, true
		}
	}
	return Key{}, false
}

func isRoot(o *unstructured.Unstructured, kinds map[schema.GroupKind]snapshot.Resource) bool {
	gk := KeyOf(o).groupKind()
	_, labelled := o.GetLabels()[LabelMoveHierarchy]
	return builtinRoots[gk] || kinds[gk].MoveHierarchy || labelled
}

func isMarkedMove(o *unstructured.Unstructured, kinds map[schema.GroupKind]snapshot.Resource) bool {
	_, labelled := o.GetLabels()[LabelMove]
	return kinds[KeyOf(o).groupKind()].Move || labelled
}

// hasMissingOwner says whether a CAPI object names an owner of a moveable
// kind that is not in the namespace.
func hasMissingOwner(o *unstructured.Unstructured, all map[Key]*unstructured.Unstructured, kinds map[schema.GroupKind]snapshot.Resource) bool {
	if KeyOf(o).Group == "" {
		return false // Secrets and ConfigMaps of other owners are none of the move's business
	}
	for _, ref := range o.GetOwnerReferences() {
		k := ownerKey(ref)
		if _, moveable := kinds[k.groupKind()]; !moveable {
			continue
		}
		if _, ok := all[k]; !ok {
			return true
		}
	}
	return false
}
