package testworld

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var leaseGVR = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}

// ResetStranded puts the world back into the stranded state in about a
// second instead of the half minute a new world takes: cluster3's objects
// are deleted from both clusters, wherever a move left them, with any move
// lock (Leases in eksa-system), and KinD is seeded again with the objects
// as built. Tests that cut a move off at many points reuse one world so.
func (w *World) ResetStranded(ctx context.Context) error {
	if w.Bootstrap == nil || !w.Bootstrap.Running() || !w.Management.Running() {
		return fmt.Errorf("testworld: ResetStranded needs both API servers running (scenario %s)", w.Scenario)
	}
	for _, s := range []*Server{w.Bootstrap, w.Management} {
		if err := w.deleteCluster3(ctx, s); err != nil {
			return fmt.Errorf("resetting %s: %w", s.Name, err)
		}
	}
	seeder, err := NewSeeder(w.Bootstrap.Config)
	if err != nil {
		return err
	}
	if err := seeder.Apply(ctx, w.Cluster3().Objects); err != nil {
		return fmt.Errorf("resetting bootstrap: %w", err)
	}
	return nil
}

// deleteCluster3 deletes cluster3's objects and the move Leases from one
// server (deleteObjects: finalizers removed first, since envtest runs no
// controller that would remove them and a Terminating object would block
// the reseed).
func (w *World) deleteCluster3(ctx context.Context, s *Server) error {
	return deleteObjects(ctx, s, w.Cluster3().Objects)
}

func deleteNow(ctx context.Context, s *Seeder, obj *unstructured.Unstructured) error {
	ri, err := s.resource(obj)
	if err != nil {
		return err
	}
	live, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(live.GetFinalizers()) > 0 {
		if _, err := ri.Patch(ctx, obj.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
			return err
		}
	}
	if err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}
