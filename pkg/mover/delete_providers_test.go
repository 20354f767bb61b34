package mover_test

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
)

// TestMove_DeletesOnlyPausedAndMarked watches KinD during a move, on every
// provider in both contracts: no object is deleted before its Cluster is
// paused, and each deleted object of Cluster API's or a provider's kinds
// carries delete-for-move (otherwise KinD's controllers would delete the
// real machines: CAPV turns a VSphereMachine's delete into a VM delete,
// CAPX a NutanixMachine's, CAPT a TinkerbellMachine's deprovisioning). A
// Secret or ConfigMap goes unmarked only when it has no finalizer to clear.
// The watched kinds are every kind of the cluster's graph as KinD serves
// it, so a provider's own kinds are watched without naming them; each must
// be seen deleted, or the watch proved nothing for it. After the move,
// every owner reference on management resolves by UID.
// The watches' events are put in the server's order (resourceVersion, one
// etcd revision for all kinds), not in the order they arrived.
func TestMove_DeletesOnlyPausedAndMarked(t *testing.T) {
	t.Parallel()
	for _, f := range testworld.Flavours {
		for _, p := range testworld.Providers {
			t.Run(string(f)+"/"+string(p), func(t *testing.T) {
				t.Parallel()
				watchedMove(t, testworld.Options{Scenario: testworld.Stranded, Flavour: f, Provider: p})
			})
		}
	}
}

func watchedMove(t *testing.T, o testworld.Options) {
	w := startWorld(t, o)
	boot, mgmt := connect(t, w)
	g := graph(t, boot)
	kinds := map[schema.GroupKind]int{}
	owners := 0
	for _, k := range g.Keys() {
		kinds[k.GroupKind()]++
		owners += len(g.Objects[k].GetOwnerReferences())
	}
	provider := 0
	for gk := range kinds {
		if gk.Group == eksa.GroupInfrastructure {
			provider++
		}
	}
	if provider == 0 || len(kinds) < 6 {
		t.Fatalf("cluster3's graph in KinD has the kinds %v; want the provider's own (%s) among them", kinds, eksa.GroupInfrastructure)
	}

	// Unpause first, so the move's own pause is what the test sees.
	clusters := resource(t, boot, schema.GroupKind{Group: eksa.GroupCAPI, Kind: "Cluster"})
	if _, err := clusters.Patch(t.Context(), "cluster3", "application/merge-patch+json", []byte(`{"spec":{"paused":false}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		events []watch.Event
		wg     sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	for gk := range kinds {
		wi, err := resource(t, boot, gk).Watch(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for ev := range wi.ResultChan() {
				mu.Lock()
				events = append(events, ev)
				mu.Unlock()
			}
		})
	}
	if _, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "b"), false); err != nil {
		t.Fatalf("Move() = %v", err)
	}
	time.Sleep(time.Second) // let the watches deliver the last events
	cancel()
	wg.Wait()

	checkDeletes(t, events, kinds)
	testworld.CheckOwners(t, w.Management, owners)
}

// checkDeletes asserts the order and marks of the deletes the watches saw.
func checkDeletes(t *testing.T, events []watch.Event, kinds map[schema.GroupKind]int) {
	t.Helper()
	revision := func(ev watch.Event) int64 {
		u, _ := ev.Object.(*unstructured.Unstructured)
		if u == nil {
			return 0
		}
		rv, err := strconv.ParseInt(u.GetResourceVersion(), 10, 64)
		if err != nil {
			t.Fatalf("%s %s: resourceVersion %q is not etcd's revision", u.GetKind(), u.GetName(), u.GetResourceVersion())
		}
		return rv
	}
	sort.SliceStable(events, func(i, j int) bool { return revision(events[i]) < revision(events[j]) })
	paused, deletes := false, map[schema.GroupKind]int{}
	for _, ev := range events {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		gk := u.GroupVersionKind().GroupKind()
		if gk == (schema.GroupKind{Group: eksa.GroupCAPI, Kind: "Cluster"}) && ev.Type == watch.Modified {
			if p, _, _ := unstructured.NestedBool(u.Object, "spec", "paused"); p {
				paused = true
			}
		}
		if ev.Type != watch.Deleted {
			continue
		}
		deletes[gk]++
		if !paused {
			t.Errorf("%s %s deleted before Cluster cluster3 was paused", u.GetKind(), u.GetName())
		}
		_, marked := u.GetAnnotations()[eksa.AnnotationDeleteForMove]
		switch {
		case marked:
		case gk.Group != "":
			t.Errorf("%s %s deleted without %s", u.GetKind(), u.GetName(), eksa.AnnotationDeleteForMove)
		case len(u.GetFinalizers()) > 0:
			t.Errorf("%s %s deleted unmarked past its finalizers %v", u.GetKind(), u.GetName(), u.GetFinalizers())
		}
	}
	// At least the graph's: Tinkerbell's move also carries the spare
	// Hardware (with its BMC Machine and Secret) that no cluster claims.
	for gk, n := range kinds {
		if deletes[gk] < n {
			t.Errorf("saw %d of the %d %s in the graph deleted; the watch proves nothing for the others", deletes[gk], n, gk)
		}
	}
}

func resource(t *testing.T, c *writable.Cluster, gk schema.GroupKind) dynamic.ResourceInterface {
	t.Helper()
	r, ok := c.Resources[gk]
	if !ok {
		t.Fatalf("the %s cluster serves no %s", c.Name, gk)
	}
	return c.Dyn.Resource(r.GVR).Namespace(eksa.Namespace)
}
