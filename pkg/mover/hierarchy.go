package mover

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Select picks the graph of clusterName ("" keeps the whole namespace) from
// the namespace's objects by the one membership rule (objgraph.Members);
// kinds carries the CRDs' move labels.
func Select(objs []*unstructured.Unstructured, kinds objgraph.Kinds, clusterName string) *Graph {
	graphs, _ := SelectAcross([][]*unstructured.Unstructured{objs}, []objgraph.Kinds{kinds}, nil, clusterName)
	return graphs[0]
}

// SelectAcross is Select on several clusters' objects at once, by the
// rule across them (objgraph.Across): a reference or owner its own
// cluster lacks is followed to the other, so a KubeadmControlPlane left
// in KinD by a move that followed owner references alone moves with the
// Cluster on management that names it. It also lists the references of
// each side's graph that do not resolve on that side. oneCluster marks the
// sides that hold one cluster's objects only (KinD; see objgraph.Side).
func SelectAcross(objs [][]*unstructured.Unstructured, kinds []objgraph.Kinds, oneCluster []bool, clusterName string) ([]*Graph, []objgraph.Dangling) {
	sides := make([]objgraph.Side, len(objs))
	for i, side := range objs {
		sides[i].Kinds = kinds[i]
		sides[i].OneCluster = i < len(oneCluster) && oneCluster[i]
		for _, o := range side {
			sides[i].Nodes = append(sides[i].Nodes, objgraph.NodeOf(o))
		}
	}
	members, dangling := objgraph.AcrossResolved(sides, clusterName)
	graphs := make([]*Graph, len(objs))
	for i, side := range objs {
		g := &Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}, nodes: map[objgraph.Key]objgraph.Node{}}
		for j, n := range sides[i].Nodes {
			if members[i][n.Key] {
				g.Objects[n.Key] = side[j]
				g.nodes[n.Key] = n
			}
		}
		graphs[i] = g
	}
	return graphs, dangling
}
