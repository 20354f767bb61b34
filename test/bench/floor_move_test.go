//go:build bench

package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// floorParallelism is how many writes the floor keeps in flight: more than
// the plugin's, so that the floor is the servers' limit, not the client's.
const floorParallelism = 32

// floorMove is the move floor: the writes no move can avoid, on the same two
// servers and graph, by a plain client that does nothing else. Every object
// (read before the clock starts, as the plan the plugin shows before asking)
// is created on dst, owners before what they own, in parallel within one
// owner depth, with owner references pointed at the new UIDs; then every
// object is deleted from src, in parallel, finalizers first cleared where an
// object has any. No backup, lock, plan, drift check, pause, read-back or
// verify: the rest of the plugin's time is what those cost.
func floorMove(ctx context.Context, src, dst *testworld.Server, objs []*unstructured.Unstructured) (time.Duration, error) {
	srcDyn, srcMap, err := floorClients(src)
	if err != nil {
		return 0, err
	}
	dstDyn, dstMap, err := floorClients(dst)
	if err != nil {
		return 0, err
	}
	levels := ownerDepths(objs)
	start := time.Now()
	var mu sync.Mutex
	newUIDs := map[types.UID]types.UID{} // source UID -> target UID
	for _, level := range levels {
		err := inParallel(level, func(o *unstructured.Unstructured) error {
			c := o.DeepCopy()
			delete(c.Object, "status")
			for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"} {
				unstructured.RemoveNestedField(c.Object, "metadata", f)
			}
			refs := c.GetOwnerReferences()
			mu.Lock()
			for i := range refs {
				refs[i].UID = newUIDs[refs[i].UID]
			}
			mu.Unlock()
			c.SetOwnerReferences(refs)
			ri, err := resourceOf(dstDyn, dstMap, c)
			if err != nil {
				return err
			}
			created, err := ri.Create(ctx, c, metav1.CreateOptions{})
			if err != nil {
				return fmt.Errorf("creating %s %s: %w", c.GetKind(), c.GetName(), err)
			}
			mu.Lock()
			newUIDs[o.GetUID()] = created.GetUID()
			mu.Unlock()
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	err = inParallel(objs, func(o *unstructured.Unstructured) error {
		ri, err := resourceOf(srcDyn, srcMap, o)
		if err != nil {
			return err
		}
		if len(o.GetFinalizers()) > 0 {
			if _, err := ri.Patch(ctx, o.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
				return err
			}
		}
		if err := ri.Delete(ctx, o.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", o.GetKind(), o.GetName(), err)
		}
		return nil
	})
	return time.Since(start), err
}

// floorClients are a dynamic client and a REST mapper, discovered before the
// clock starts: the floor pays for no discovery.
func floorClients(s *testworld.Server) (dynamic.Interface, *restmapper.DeferredDiscoveryRESTMapper, error) {
	cfg := *s.Config
	cfg.QPS, cfg.Burst = -1, 0 // no client-side limit at all
	dyn, err := dynamic.NewForConfig(&cfg)
	if err != nil {
		return nil, nil, err
	}
	c, err := kube.NewClients(&cfg)
	if err != nil {
		return nil, nil, err
	}
	m := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.Disc))
	if _, err := m.RESTMappings(schema.GroupKind{Kind: "Secret"}); err != nil {
		return nil, nil, err
	}
	return dyn, m, nil
}

func resourceOf(dyn dynamic.Interface, m *restmapper.DeferredDiscoveryRESTMapper, o *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := o.GroupVersionKind()
	mapping, err := m.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, err
	}
	return dyn.Resource(mapping.Resource).Namespace(o.GetNamespace()), nil
}

// ownerDepths groups objects by how deep their owner chain runs within the
// set: depth 0 has no owner among them, depth n owners of depth < n.
func ownerDepths(objs []*unstructured.Unstructured) [][]*unstructured.Unstructured {
	byUID := map[types.UID]*unstructured.Unstructured{}
	for _, o := range objs {
		byUID[o.GetUID()] = o
	}
	depth := map[types.UID]int{}
	var depthOf func(o *unstructured.Unstructured, seen int) int
	depthOf = func(o *unstructured.Unstructured, seen int) int {
		if d, ok := depth[o.GetUID()]; ok {
			return d
		}
		d := 0
		for _, ref := range o.GetOwnerReferences() {
			if owner, ok := byUID[ref.UID]; ok && seen < len(objs) {
				d = max(d, depthOf(owner, seen+1)+1)
			}
		}
		depth[o.GetUID()] = d
		return d
	}
	var levels [][]*unstructured.Unstructured
	for _, o := range objs {
		d := depthOf(o, 0)
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], o)
	}
	return levels
}

// inParallel runs f on every object, floorParallelism at a time, and
// returns the first error.
func inParallel(objs []*unstructured.Unstructured, f func(*unstructured.Unstructured) error) error {
	var (
		wg    sync.WaitGroup
		sem   = make(chan struct{}, floorParallelism)
		errMu sync.Mutex
		first error
	)
	for _, o := range objs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := f(o); err != nil {
				errMu.Lock()
				if first == nil {
					first = err
				}
				errMu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}
