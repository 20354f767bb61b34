package mover_test

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// withRef sets the spec field at path to a reference, in v1beta2's shape, to the "Kind/name" object.
func withRef(u *unstructured.Unstructured, kindName string, path ...string) *unstructured.Unstructured {
	ref := obj(kindName)
	gv := ref.GroupVersionKind().Group
	_ = unstructured.SetNestedMap(u.Object, map[string]any{"apiGroup": gv, "kind": ref.GetKind(), "name": ref.GetName()}, path...)
	return u
}

// TestSelectAcross: a move that followed owners alone took the Cluster to
// management and left what it references, applied before any owner
// reference was set, in KinD. Selecting KinD alone finds none of it;
// selecting across both gives it to the cluster, in KinD, and names the
// Cluster's reference as unresolved on management.
func TestSelectAcross(t *testing.T) {
	onMgmt := []*unstructured.Unstructured{
		withRef(labelled(obj("Cluster/c1"), "cluster.x-k8s.io/cluster-name", "c1"), "KubeadmControlPlane/c1", "spec", "controlPlaneRef"),
	}
	inKinD := []*unstructured.Unstructured{
		withRef(obj("KubeadmControlPlane/c1"), "VSphereMachineTemplate/c1-t", "spec", "machineTemplate", "spec", "infrastructureRef"),
		obj("VSphereMachineTemplate/c1-t"),
		obj("VSphereMachineTemplate/stray"),
	}
	if alone := mover.Select(inKinD, kinds(), "c1"); alone.Len() != 0 {
		t.Errorf("Select(KinD alone) = %v, want none: nothing in KinD names c1", alone.Keys())
	}
	graphs, dangling := mover.SelectAcross([][]*unstructured.Unstructured{onMgmt, inKinD}, []objgraph.Kinds{kinds(), kinds()}, []bool{false, true}, "c1")
	if got, want := objgraph.KeyStrings(graphs[0].Keys()), []string{c1}; !reflect.DeepEqual(got, want) {
		t.Errorf("SelectAcross: management = %q, want %q", got, want)
	}
	if got, want := objgraph.KeyStrings(graphs[1].Keys()), []string{kcp1, tmpl1}; !reflect.DeepEqual(got, want) {
		t.Errorf("SelectAcross: KinD = %q, want %q", got, want)
	}
	if len(dangling) != 1 || dangling[0].String() != c1+" spec.controlPlaneRef -> "+kcp1 || dangling[0].Side != 0 || dangling[0].Elsewhere != 1 {
		t.Errorf("SelectAcross: unresolved = %v, want the Cluster's controlPlaneRef, found in KinD", dangling)
	}
}
