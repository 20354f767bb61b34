package main_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// An acting recover is not taken at its word ("Verified"): what it left
// is compared with what the world built and what the clusters held before.

// beforeObjects are cluster3's objects as read before recover acts.
type beforeObjects []*unstructured.Unstructured

// objectsBefore reads cluster3's objects on both clusters before recover
// acts; of an object on both (a split move), KinD's, the move's source.
func objectsBefore(t *testing.T, w *testworld.World) beforeObjects {
	t.Helper()
	byKey := map[objgraph.Key]*unstructured.Unstructured{}
	for _, s := range []*testworld.Server{w.Management, w.Bootstrap} {
		g := graphOn(t, s)
		for _, k := range g.Keys() {
			byKey[k] = g.Objects[k]
		}
	}
	out := make(beforeObjects, 0, len(byKey))
	for _, u := range byKey {
		out = append(out, u)
	}
	return out
}

// checkRecovered fails t unless management holds exactly the objects the
// world built for cluster3, KinD none, and each object read before (none
// when they were only in a backup) is on management as it was.
func checkRecovered(t *testing.T, w *testworld.World, before beforeObjects) {
	t.Helper()
	built := map[objgraph.Key]bool{}
	for _, u := range w.Cluster3().Objects {
		built[objgraph.KeyOf(u)] = true
	}
	onMgmt := graphOn(t, w.Management)
	for _, k := range onMgmt.Keys() {
		if !built[k] {
			t.Errorf("after recover management holds %s, which the world did not build for cluster3", k)
		}
		delete(built, k)
	}
	for k := range built {
		t.Errorf("after recover management lacks %s", k)
	}
	if left := graphOn(t, w.Bootstrap).Len(); left != 0 {
		t.Errorf("after recover KinD still holds %d of cluster3's objects", left)
	}
	if len(before) == 0 {
		return
	}
	boot, mgmt := w.ConnectForTest(t)
	v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", before)
	if err != nil || !v.OK() || v.Checked != len(before) {
		t.Errorf("after recover, Verify(the %d objects read before) = %+v, %v; want all there and equal", len(before), v, err)
	}
}
