package mover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Graph is the set of objects to move: one cluster's (or the whole
// namespace's) CAPI objects and the Secrets and ConfigMaps that go with them.
type Graph struct {
	Objects map[objgraph.Key]*unstructured.Unstructured
	// nodes are the objects as objgraph reads them, filled on first use
	// for a Graph built by hand.
	nodes map[objgraph.Key]objgraph.Node
}

// Nodes lists the graph's objects as objgraph reads them.
func (g *Graph) Nodes() []objgraph.Node {
	if len(g.nodes) != len(g.Objects) {
		g.nodes = make(map[objgraph.Key]objgraph.Node, len(g.Objects))
		for k, o := range g.Objects {
			g.nodes[k] = objgraph.NodeOf(o)
		}
	}
	out := make([]objgraph.Node, 0, len(g.nodes))
	for _, n := range g.nodes {
		out = append(out, n)
	}
	return out
}

func (g *Graph) members() map[objgraph.Key]bool {
	m := make(map[objgraph.Key]bool, len(g.Objects))
	for k := range g.Objects {
		m[k] = true
	}
	return m
}

// Read lists every moveable kind in the namespace (one request per kind),
// then keeps the objects that move with clusterName ("" keeps the whole
// namespace's): see Select.
func Read(ctx context.Context, c *writable.Cluster, clusterName string) (*Graph, error) {
	all, err := listAll(ctx, c)
	if err != nil {
		return nil, err
	}
	return Select(all, c.Kinds, clusterName), nil
}

// ReadBoth reads two clusters (b may be nil) and picks each one's graph of
// clusterName by the membership rule across both (SelectAcross): what a
// reference of one names on the other, because its own lacks it, is the
// cluster's too. It also returns the references of each graph that do not
// resolve on their own cluster (Side 0 is a's, 1 is b's).
func ReadBoth(ctx context.Context, a, b *writable.Cluster, clusterName string) (ga, gb *Graph, dangling []objgraph.Dangling, err error) {
	ga, gb, dangling, _, err = readBoth(ctx, a, b, clusterName)
	return ga, gb, dangling, err
}

// readBoth is ReadBoth that also returns everything it listed on a (every
// moveable kind, Secrets and ConfigMaps), for a caller that compares more
// than the graph with what a holds, without listing it again.
func readBoth(ctx context.Context, a, b *writable.Cluster, clusterName string) (ga, gb *Graph, dangling []objgraph.Dangling, onA []*unstructured.Unstructured, err error) {
	clusters := []*writable.Cluster{a, b}
	objs := make([][]*unstructured.Unstructured, 2)
	kinds := make([]objgraph.Kinds, 2)
	oneCluster := make([]bool, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, c := range clusters {
		if c == nil {
			continue
		}
		oneCluster[i] = c.HoldsOneCluster
		kinds[i] = c.Kinds
		wg.Go(func() { objs[i], errs[i] = listAll(ctx, c) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, nil, err
	}
	graphs, dangling := SelectAcross(objs, kinds, oneCluster, clusterName)
	return graphs[0], graphs[1], dangling, objs[0], nil
}

// listAll lists every moveable kind in the namespace, one request per kind.
func listAll(ctx context.Context, c *writable.Cluster) ([]*unstructured.Unstructured, error) {
	kinds := make([]schema.GroupKind, 0, len(c.Resources))
	for gk := range c.Resources {
		kinds = append(kinds, gk)
	}
	return listKinds(ctx, c, kinds, true)
}

// Len is the number of objects in the graph.
func (g *Graph) Len() int { return len(g.Objects) }

// Keys lists the graph's keys, sorted.
func (g *Graph) Keys() []objgraph.Key {
	out := make([]objgraph.Key, 0, len(g.Objects))
	for k := range g.Objects {
		out = append(out, k)
	}
	objgraph.SortKeys(out)
	return out
}

// Sorted lists the graph's objects in key order.
func (g *Graph) Sorted() []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(g.Objects))
	for _, k := range g.Keys() {
		out = append(out, g.Objects[k])
	}
	return out
}

// Clusters lists the CAPI Clusters in the graph.
func (g *Graph) Clusters() []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, k := range g.Keys() {
		if k.IsCluster() {
			out = append(out, g.Objects[k])
		}
	}
	return out
}

// CheckWhole fails when an object's owner is not in the graph (a move would
// create it with a dangling owner, and a garbage collector would delete it),
// or when an object blocks the move.
func (g *Graph) CheckWhole() error {
	for _, k := range g.Keys() {
		if _, blocked := g.Objects[k].GetAnnotations()[eksa.AnnotationBlockMove]; blocked {
			return fmt.Errorf("%s carries %s: its provider is not done with it; wait and rerun", k, eksa.AnnotationBlockMove)
		}
	}
	if missing := objgraph.MissingOwners(g.Nodes(), g.members()); len(missing) > 0 {
		return fmt.Errorf("the graph is not whole: %d owners are missing: %s", len(missing), strings.Join(missing[:min(5, len(missing))], ", "))
	}
	return nil
}

// Groups orders the graph for creation (objgraph.Groups); deletion runs
// the groups in reverse.
func (g *Graph) Groups() ([][]objgraph.Key, error) { return objgraph.Groups(g.Nodes(), g.members()) }
