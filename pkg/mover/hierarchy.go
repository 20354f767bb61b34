package mover

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Select picks the graph of clusterName ("" keeps the whole namespace) from
// the namespace's objects by the one membership rule (objgraph.Members);
// kinds carries the CRDs' move labels.
func Select(objs []*unstructured.Unstructured, kinds objgraph.Kinds, clusterName string) *Graph {
	g := &Graph{Objects: make(map[Key]*unstructured.Unstructured, len(objs)), nodes: make(map[Key]objgraph.Node, len(objs))}
	nodes := make([]objgraph.Node, 0, len(objs))
	for _, o := range objs {
		nodes = append(nodes, objgraph.NodeOf(o))
	}
	members := objgraph.Members(nodes, kinds, clusterName)
	for i, n := range nodes {
		if members[n.Key] {
			g.Objects[n.Key] = objs[i]
			g.nodes[n.Key] = n
		}
	}
	return g
}
