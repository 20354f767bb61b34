package mover

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Labels and annotations clusterctl's move honours.
const (
	LabelMove               = "clusterctl.cluster.x-k8s.io/move"
	LabelMoveHierarchy      = "clusterctl.cluster.x-k8s.io/move-hierarchy"
	AnnotationBlockMove     = "clusterctl.cluster.x-k8s.io/block-move"
	AnnotationDeleteForMove = "clusterctl.cluster.x-k8s.io/delete-for-move"
	labelClusterName        = "cluster.x-k8s.io/cluster-name"
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

// KeyOf returns an object's key.
func KeyOf(u *unstructured.Unstructured) Key {
	return Key{Group: u.GroupVersionKind().Group, Kind: u.GetKind(), Name: u.GetName()}
}

func ownerKey(ref metav1.OwnerReference) Key {
	gv, _ := schema.ParseGroupVersion(ref.APIVersion)
	return Key{Group: gv.Group, Kind: ref.Kind, Name: ref.Name}
}

// Graph is the set of objects to move: one cluster's (or the whole
// namespace's) CAPI objects and the Secrets and ConfigMaps that go with them.
type Graph struct {
	Objects map[Key]*unstructured.Unstructured
}

// Read lists every moveable kind in the namespace (one request per kind),
// then keeps the objects that move with clusterName ("" keeps the whole
// namespace's): see Select.
func Read(ctx context.Context, c *Cluster, clusterName string) (*Graph, error) {
	var all []*unstructured.Unstructured
	kinds := make([]schema.GroupKind, 0, len(c.Resources))
	for gk := range c.Resources {
		kinds = append(kinds, gk)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i].String() < kinds[j].String() })
	for _, gk := range kinds {
		ri, _, _ := c.resource(gk)
		l, err := ri.List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s in the %s cluster: %w", gk, c.Name, err)
		}
		for i := range l.Items {
			all = append(all, &l.Items[i])
		}
	}
	return Select(all, c.Resources, clusterName), nil
}

// Len is the number of objects in the graph.
func (g *Graph) Len() int { return len(g.Objects) }

// Keys lists the graph's keys, sorted.
func (g *Graph) Keys() []Key {
	out := make([]Key, 0, len(g.Objects))
	for k := range g.Objects {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Clusters lists the CAPI Clusters in the graph.
func (g *Graph) Clusters() []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, k := range g.Keys() {
		if k.Kind == "Cluster" && k.Group == "cluster.x-k8s.io" {
			out = append(out, g.Objects[k])
		}
	}
	return out
}

// CheckWhole fails when an object's owner is not in the graph (a move would
// create it with a dangling owner, and a garbage collector would delete it),
// or when an object blocks the move.
func (g *Graph) CheckWhole() error {
	var missing []string
	for _, k := range g.Keys() {
		o := g.Objects[k]
		if _, blocked := o.GetAnnotations()[AnnotationBlockMove]; blocked {
			return fmt.Errorf("%s carries %s: its provider is not done with it; wait and rerun", k, AnnotationBlockMove)
		}
		for _, ref := range o.GetOwnerReferences() {
			if _, ok := g.Objects[ownerKey(ref)]; !ok {
				missing = append(missing, fmt.Sprintf("%s (owner of %s)", ownerKey(ref), k))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the graph is not whole: %d owners are missing: %s", len(missing), strings.Join(first(missing, 5), ", "))
	}
	return nil
}

// Groups orders the graph for creation as clusterctl's getMoveSequence does:
// each group holds the objects whose owners (by owner reference, or soft:
// the Cluster of a <cluster>-kubeconfig Secret without owners) are all in
// earlier groups. Deletion runs the groups in reverse.
func (g *Graph) Groups() ([][]Key, error) {
	placed := map[Key]bool{}
	var groups [][]Key
	remaining := g.Keys()
	for len(remaining) > 0 {
		var group, next []Key
		for _, k := range remaining {
			if g.ownersPlaced(k, placed) {
				group = append(group, k)
			} else {
				next = append(next, k)
			}
		}
		if len(group) == 0 {
			return nil, fmt.Errorf("owner references form a cycle among %s", strings.Join(keyStrings(first(next, 5)), ", "))
		}
		for _, k := range group {
			placed[k] = true
		}
		groups = append(groups, group)
		remaining = next
	}
	return groups, nil
}

func (g *Graph) ownersPlaced(k Key, placed map[Key]bool) bool {
	for _, owner := range ownersOf(g.Objects[k], g.Objects) {
		if !placed[owner] {
			return false
		}
	}
	return true
}

func first[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func keyStrings(keys []Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.String()
	}
	return out
}
