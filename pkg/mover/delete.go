package mover

import (
	"context"
	"fmt"
	"slices"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// deleteGroup removes one group's objects from the source. Each is first
// annotated delete-for-move and stripped of finalizers, as clusterctl does:
// the providers' controllers, still running in KinD, then let the object go
// without deleting what it stands for (the real VMs). Their Cluster must be
// paused first; deleteGroup checks rather than trusts that.
func deleteGroup(ctx context.Context, o Options, g *Graph, group []objgraph.Key) (int, error) {
	if err := checkPaused(ctx, o.From, g); err != nil {
		return 0, err
	}
	var (
		mu      sync.Mutex
		errs    []error
		deleted int
	)
	inParallel(o.Parallelism, group, func(_ int, k objgraph.Key) {
		gone, err := deleteOne(ctx, o.From, k, g.Objects[k])
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
		} else if gone {
			deleted++
		}
	})
	return deleted, joinErrors(errs)
}

// deleteOne marks, unblocks and deletes one object; one already gone (a
// rerun) is not an error. The mark is one merge patch rather than a read
// and an update: two requests per object instead of three. A Secret or
// ConfigMap read without finalizers skips the mark (unmarked below).
func deleteOne(ctx context.Context, c *writable.Cluster, k objgraph.Key, read *unstructured.Unstructured) (bool, error) {
	ri, _, err := c.Resource(k.GroupKind())
	if err != nil {
		return false, err
	}
	if unmarked(k, read) {
		rv := read.GetResourceVersion()
		err = ri.Delete(ctx, k.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}})
		switch {
		case err == nil:
			return true, nil
		case apierrors.IsNotFound(err):
			return false, nil
		case !apierrors.IsConflict(err):
			return false, err
		}
		// Changed since it was read (a finalizer added?): mark it first.
	}
	mark := fmt.Appendf(nil, `{"metadata":{"annotations":{%q:""},"finalizers":null}}`, eksa.AnnotationDeleteForMove)
	_, err = ri.Patch(ctx, k.Name, types.MergePatchType, mark, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("marking for deletion: %w", err)
	}
	err = ri.Delete(ctx, k.Name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// unmarked says whether an object can be deleted without the
// delete-for-move mark: a core Secret or ConfigMap that held no finalizer
// when read. The mark is for the webhooks and controllers of Cluster API's
// and the providers' own kinds, and none of them watches a core kind's
// deletes; with no finalizer to clear, the patch would be a write that
// changes nothing anybody reads, about one in five of a move's objects.
// The delete is made on the condition that the object is still the one
// read (its resourceVersion), so a finalizer added since is never
// bypassed: that delete fails and the object is marked as any other.
func unmarked(k objgraph.Key, read *unstructured.Unstructured) bool {
	if read == nil || read.GetResourceVersion() == "" || len(read.GetFinalizers()) > 0 {
		return false
	}
	return slices.ContainsFunc(kube.CoreKinds, func(r kube.Resource) bool { return r.GroupKind() == k.GroupKind() })
}

// checkPaused re-reads the graph's Clusters on the source (one List, not
// one Get per Cluster: it runs before every group) and fails unless every
// one still there is paused: deleting a live cluster's objects would let
// its controllers delete the machines.
func checkPaused(ctx context.Context, c *writable.Cluster, g *Graph) error {
	clusters, ri, err := clustersOn(c, g)
	if err != nil || len(clusters) == 0 {
		return err
	}
	live, err := ri.List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	byName := map[string]*unstructured.Unstructured{}
	for i := range live.Items {
		byName[live.Items[i].GetName()] = &live.Items[i]
	}
	for _, cl := range clusters {
		now, ok := byName[cl.GetName()]
		if !ok {
			continue // already deleted by an earlier, interrupted run
		}
		if paused, _, _ := unstructured.NestedBool(now.Object, "spec", "paused"); !paused {
			return fmt.Errorf("Cluster %s on the %s cluster is not paused: refusing to delete its objects", cl.GetName(), c.Name)
		}
	}
	return nil
}

// clustersOn returns g's Clusters and the client for Clusters on c; with
// no Clusters, no client (c may lack the CRD then).
func clustersOn(c *writable.Cluster, g *Graph) ([]*unstructured.Unstructured, dynamic.ResourceInterface, error) {
	clusters := g.Clusters()
	if len(clusters) == 0 {
		return nil, nil, nil
	}
	ri, _, err := c.Resource(objgraph.ClusterKey("").GroupKind())
	return clusters, ri, err
}
