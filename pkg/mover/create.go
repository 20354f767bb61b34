package mover

import (
	"context"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// The writes move and restore share: create a graph's objects on a target
// group by group, owners first, and read them back.

// createGroup creates (or updates) one group's objects on the target in
// parallel, recording their target UIDs for the next groups' owner references.
func createGroup(ctx context.Context, to *writable.Cluster, parallelism int, g *Graph, group []objgraph.Key, uids map[objgraph.Key]types.UID) (created, updated int, err error) {
	var (
		mu   sync.Mutex
		errs []error
	)
	ownerUIDs := make(map[objgraph.Key]types.UID, len(uids))
	for k, v := range uids {
		ownerUIDs[k] = v
	}
	inParallel(parallelism, group, func(_ int, k objgraph.Key) {
		uid, existed, err := createOne(ctx, to, g.Objects[k], ownerUIDs)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
			return
		}
		uids[k] = uid
		if existed {
			updated++
		} else {
			created++
		}
	})
	return created, updated, joinErrors(errs)
}

// createOne writes a copy of src on the target without status, server
// fields or the source's UIDs; an object already there is updated.
func createOne(ctx context.Context, to *writable.Cluster, src *unstructured.Unstructured, ownerUIDs map[objgraph.Key]types.UID) (types.UID, bool, error) {
	ri, err := resourceFor(to, src)
	if err != nil {
		return "", false, err
	}
	obj := src.DeepCopy()
	delete(obj.Object, "status")
	for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
		unstructured.RemoveNestedField(obj.Object, "metadata", f)
	}
	if objgraph.KeyOf(obj).IsCluster() {
		// Arrive paused, whatever the graph was read as: the target's
		// controllers must not act until the source lets go (unpaused last).
		_ = unstructured.SetNestedField(obj.Object, true, "spec", "paused")
	}
	refs := obj.GetOwnerReferences()
	for i := range refs {
		uid, ok := ownerUIDs[objgraph.OwnerKey(refs[i])]
		if !ok {
			return "", false, fmt.Errorf("owner %s is not on the %s cluster yet", objgraph.OwnerKey(refs[i]), to.Name)
		}
		refs[i].UID = uid
	}
	obj.SetOwnerReferences(refs)
	created, err := ri.Create(ctx, obj, metav1.CreateOptions{})
	if err == nil {
		return created.GetUID(), false, nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return "", false, err
	}
	existing, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if err != nil {
		return "", false, err
	}
	// The plan refused these (hardware.go); one that arrived since is
	// refused here, never overwritten: the run stops before any delete.
	if why := hardwareClash(src, existing); why != "" {
		return "", true, fmt.Errorf("%s: not overwritten; compare both copies, delete the stale one and rerun", why)
	}
	obj.SetResourceVersion(existing.GetResourceVersion())
	obj.SetUID(existing.GetUID())
	if st, ok := existing.Object["status"]; ok {
		obj.Object["status"] = st // Update ignores it; keep the object honest
	}
	updated, err := ri.Update(ctx, obj, metav1.UpdateOptions{})
	if err != nil {
		return "", true, err
	}
	return updated.GetUID(), true, nil
}

// notArrived reads g's objects back from the target, one List per kind,
// and lists those that are not there: success is what the server holds, never a nil error
// (clusterctl's move returns nil and moves nothing when CRD labels are missing).
func notArrived(ctx context.Context, to *writable.Cluster, g *Graph) ([]string, error) {
	there, err := existingOn(ctx, to, g)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, k := range g.Keys() {
		if _, ok := there[k]; !ok {
			missing = append(missing, k.String())
		}
	}
	return missing, nil
}

// existingOn lists which of g's objects the target already holds, with their
// UIDs there: one List per kind in g, whatever the number of objects.
func existingOn(ctx context.Context, to *writable.Cluster, g *Graph) (map[objgraph.Key]types.UID, error) {
	l, err := listKinds(ctx, to, graphKinds(g), false)
	if err != nil {
		return nil, err
	}
	out := map[objgraph.Key]types.UID{}
	for _, o := range l {
		if k := objgraph.KeyOf(o); g.Objects[k] != nil {
			out[k] = o.GetUID()
		}
	}
	return out, nil
}
