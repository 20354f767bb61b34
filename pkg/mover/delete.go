package mover

import (
	"context"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// deleteGroup removes one group's objects from the source. Each is first
// annotated delete-for-move and stripped of finalizers, as clusterctl does:
// the providers' controllers, still running in KinD, then let the object go
// without deleting what it stands for (the real VMs). Their Cluster must be
// paused first; deleteGroup checks rather than trusts that.
func deleteGroup(ctx context.Context, o Options, g *Graph, group []Key) (int, error) {
	if err := checkPaused(ctx, o.From, g); err != nil {
		return 0, err
	}
	var (
		mu      sync.Mutex
		errs    []error
		deleted int
		wg      sync.WaitGroup
		sem     = make(chan struct{}, o.Parallelism)
	)
	for _, k := range group {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			gone, err := deleteOne(ctx, o.From, k)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", k, err))
			} else if gone {
				deleted++
			}
		})
	}
	wg.Wait()
	return deleted, joinErrors(errs)
}

// deleteOne marks, unblocks and deletes one object; one already gone (a
// rerun) is not an error. The mark is one merge patch rather than a read
// and an update: two requests per object instead of three.
func deleteOne(ctx context.Context, c *Cluster, k Key) (bool, error) {
	ri, _, err := c.Resource(k.GroupKind())
	if err != nil {
		return false, err
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

// checkPaused re-reads the graph's Clusters on the source (one List, not
// one Get per Cluster: it runs before every group) and fails unless every
// one still there is paused: deleting a live cluster's objects would let
// its controllers delete the machines.
func checkPaused(ctx context.Context, c *Cluster, g *Graph) error {
	clusters := g.Clusters()
	if len(clusters) == 0 {
		return nil
	}
	ri, _, err := c.Resource(objgraph.ClusterKey("").GroupKind())
	if err != nil {
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
