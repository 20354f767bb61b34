// Package objgraph decides which objects belong to a cluster, and in which
// order they are created: the one membership rule that `status` counts by and
// `move`, `backup`, `restore` and `verify` carry. It follows clusterctl's
// objectgraph (owner references, soft owners, move and move-hierarchy
// labels) with EKS-A's per-cluster filter.
//
// It is pure: it works on plain values (Node) built from objects already
// read, never reads or writes a cluster, and imports no client library.
package objgraph

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Key identifies an object in the namespace by group, kind and name: the
// same object has another UID (and maybe apiVersion) on each cluster.
type Key struct {
	Group, Kind, Name string
}

func (k Key) String() string {
	if k.Group == "" {
		return k.Kind + "/" + k.Name
	}
	return k.Kind + "." + k.Group + "/" + k.Name
}

// GroupKind is the key's group and kind.
func (k Key) GroupKind() schema.GroupKind { return schema.GroupKind{Group: k.Group, Kind: k.Kind} }

// IsCluster says whether the key is a CAPI Cluster's.
func (k Key) IsCluster() bool { return k.Kind == "Cluster" && k.Group == eksa.GroupCAPI }

// ClusterKey is the key of the CAPI Cluster named name.
func ClusterKey(name string) Key { return Key{Group: eksa.GroupCAPI, Kind: "Cluster", Name: name} }

// Node is what membership and order read of one object.
type Node struct {
	Key    Key
	Labels map[string]string
	// Claim is the cluster the object names itself: its cluster-name label,
	// else its spec.clusterName; empty when it names none.
	Claim string
	// Owners are the owner references, with their group.
	Owners []Key
	// Soft is the owner clusterctl assumes where CAPI links objects by name
	// only (see softOwner); nil when there is none.
	Soft *Key
	// Refs are the spec's references to objects that belong with this
	// one (refs.go); none for an object read as metadata only.
	Refs []Ref
}

// KindFlags are a kind's CRD labels that clusterctl's move reads: every
// object of the kind moves on its own (Move), or with the whole tree it
// owns (MoveHierarchy).
type KindFlags struct{ Move, MoveHierarchy bool }

// Kinds are the moveable kinds a cluster serves, with their CRD labels.
type Kinds map[schema.GroupKind]KindFlags

// KeyOf returns an object's key.
func KeyOf(u *unstructured.Unstructured) Key {
	return Key{Group: u.GroupVersionKind().Group, Kind: u.GetKind(), Name: u.GetName()}
}

// OwnerKey is the key an owner reference names.
func OwnerKey(ref metav1.OwnerReference) Key {
	gv, _ := schema.ParseGroupVersion(ref.APIVersion)
	return Key{Group: gv.Group, Kind: ref.Kind, Name: ref.Name}
}

// NodeOf reads a whole object.
func NodeOf(u *unstructured.Unstructured) Node {
	n := nodeOfMeta(KeyOf(u), u.GetLabels(), u.GetOwnerReferences())
	if n.Claim == "" {
		n.Claim, _, _ = unstructured.NestedString(u.Object, "spec", "clusterName")
	}
	if n.Claim == "" && n.Key.Group == eksa.GroupAddons && n.Key.Kind == "ClusterResourceSet" {
		// The cluster it selects by name: how EKS-A's ClusterResourceSets
		// select theirs, unlabelled or not, before any binding exists.
		n.Claim, _, _ = unstructured.NestedString(u.Object, "spec", "clusterSelector", "matchLabels", eksa.LabelClusterName)
	}
	if n.Key.IsCluster() {
		n.Claim = n.Key.Name
	}
	if n.Soft == nil {
		n.Soft = specSoftOwner(n.Key, u)
	}
	n.Refs = specRefs(u)
	return n
}

// NodeOfMeta reads an object of which only the metadata was read: its soft
// owner is found only where the name gives it (Secrets).
func NodeOfMeta(apiVersion, kind string, m *metav1.ObjectMeta) Node {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return nodeOfMeta(Key{Group: gv.Group, Kind: kind, Name: m.Name}, m.Labels, m.OwnerReferences)
}

func nodeOfMeta(k Key, labels map[string]string, refs []metav1.OwnerReference) Node {
	n := Node{Key: k, Labels: labels, Claim: labels[eksa.LabelClusterName]}
	for _, ref := range refs {
		n.Owners = append(n.Owners, OwnerKey(ref))
	}
	if k.Group == "" && k.Kind == "Secret" && len(refs) == 0 {
		n.Soft = secretSoftOwner(k.Name)
	}
	// CAPT marks the Hardware it allocates with the TinkerbellMachine's
	// name, never an owner reference: the Hardware goes with its machine.
	if owner := labels[eksa.LabelTinkerbellOwnerName]; owner != "" && k.Group == "tinkerbell.org" && k.Kind == "Hardware" && len(refs) == 0 {
		n.Soft = &Key{Group: eksa.GroupInfrastructure, Kind: "TinkerbellMachine", Name: owner}
	}
	return n
}

// secretPurposes are the suffixes of the Secrets CAPI names for a cluster
// (<cluster>-kubeconfig, ...); longest first, so -apiserver-etcd-client is
// not read as an -etcd Secret of cluster "<cluster>-apiserver".
var secretPurposes = []string{"apiserver-etcd-client", "kubeconfig", "proxy", "etcd", "ca", "sa"}

// secretSoftOwner: the Cluster of a Secret named <cluster>-<purpose> that
// has no owner.
func secretSoftOwner(name string) *Key {
	for _, p := range secretPurposes {
		if cluster, ok := strings.CutSuffix(name, "-"+p); ok && cluster != "" {
			k := ClusterKey(cluster)
			return &k
		}
	}
	return nil
}

// specSoftOwner: the ClusterClass of a Cluster with a topology, and the
// Cluster of a ClusterResourceSetBinding.
func specSoftOwner(k Key, u *unstructured.Unstructured) *Key {
	switch {
	case k.IsCluster():
		class, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "classRef", "name") // v1beta2
		if class == "" {
			class, _, _ = unstructured.NestedString(u.Object, "spec", "topology", "class") // v1beta1
		}
		if class != "" {
			return &Key{Group: eksa.GroupCAPI, Kind: "ClusterClass", Name: class}
		}
	case k.Group == eksa.GroupAddons && k.Kind == "ClusterResourceSetBinding":
		if cluster, _, _ := unstructured.NestedString(u.Object, "spec", "clusterName"); cluster != "" {
			c := ClusterKey(cluster)
			return &c
		}
	}
	return nil
}
