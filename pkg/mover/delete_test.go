package mover

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// TestDeleteGroup_RefusesWhileUnpaused: the last guard before a source
// object is deleted is that its Cluster is paused there, read again before
// every group. Unpaused (someone ran a controller's fix mid-move), the
// group is refused whole and nothing is deleted; paused, it goes.
func TestDeleteGroup_RefusesWhileUnpaused(t *testing.T) {
	t.Parallel()
	boot, g := strandedInKinD(t)
	groups, err := g.Groups()
	if err != nil {
		t.Fatal(err)
	}
	leaves := groups[len(groups)-1]
	clusters, _, err := boot.Resource(objgraph.ClusterKey("").GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	setPaused := func(v string) {
		t.Helper()
		if _, err := clusters.Patch(t.Context(), "cluster3", types.MergePatchType, []byte(`{"spec":{"paused":`+v+`}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	o := Options{From: boot}
	o.defaults()

	setPaused("false")
	n, err := deleteGroup(t.Context(), o, g, leaves)
	if err == nil || !strings.Contains(err.Error(), "Cluster cluster3 on the bootstrap cluster is not paused") {
		t.Fatalf("deleteGroup() on an unpaused cluster = %d, %v; want the refusal", n, err)
	}
	if left := keysOn(t, boot, g); left != g.Len() {
		t.Fatalf("after the refusal KinD holds %d of the %d objects: something was deleted", left, g.Len())
	}

	setPaused("true")
	if n, err = deleteGroup(t.Context(), o, g, leaves); err != nil || n != len(leaves) {
		t.Fatalf("deleteGroup() on the paused cluster = %d, %v; want %d deleted", n, err, len(leaves))
	}
}

func keysOn(t *testing.T, c *writable.Cluster, g *Graph) int {
	t.Helper()
	there, err := existingOn(t.Context(), c, g)
	if err != nil {
		t.Fatal(err)
	}
	return len(there)
}

// TestDeleteOne_SecretsMarkedOnlyWhenNeeded: a Secret read without
// finalizers is deleted in one request, never patched; one that gained a
// finalizer after it was read is not bypassed: it is marked (finalizers
// cleared) and then deleted, so it is gone either way. What the source's
// watchers see tells the two paths apart.
func TestDeleteOne_SecretsMarkedOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	boot, g := strandedInKinD(t)
	var secrets []objgraph.Key
	for _, k := range g.Keys() {
		if k.Group == "" && k.Kind == "Secret" && len(g.Objects[k].GetFinalizers()) == 0 {
			secrets = append(secrets, k)
		}
	}
	if len(secrets) < 2 {
		t.Fatalf("cluster3's graph has %d Secrets without finalizers; the test needs 2", len(secrets))
	}
	plain, changed := secrets[0], secrets[1]
	ri, _, err := boot.Resource(plain.GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ri.Patch(t.Context(), changed.Name, types.MergePatchType, []byte(`{"metadata":{"finalizers":["example.com/keep"]}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	watch, err := ri.Watch(ctx, metav1.ListOptions{ResourceVersion: g.Objects[plain].GetResourceVersion()})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Stop()

	for _, k := range []objgraph.Key{plain, changed} {
		if gone, err := deleteOne(t.Context(), boot, k, g.Objects[k]); err != nil || !gone {
			t.Fatalf("deleteOne(%s) = %t, %v; want it deleted", k, gone, err)
		}
	}
	events := map[string][]string{}
	for deleted := 0; deleted < 2; {
		e, ok := <-watch.ResultChan()
		if !ok {
			t.Fatalf("the watch ended before both Secrets were deleted; seen: %v", events)
		}
		name := e.Object.(metav1.Object).GetName()
		if name != plain.Name && name != changed.Name {
			continue
		}
		events[name] = append(events[name], string(e.Type))
		if e.Type == "DELETED" {
			deleted++
		}
	}
	if got := strings.Join(events[plain.Name], ","); got != "DELETED" {
		t.Errorf("the unchanged Secret %s was seen as %s; want DELETED alone (no mark)", plain.Name, got)
	}
	if got := strings.Join(events[changed.Name], ","); got != "MODIFIED,MODIFIED,DELETED" {
		t.Errorf("the Secret %s that gained a finalizer was seen as %s; want MODIFIED (the finalizer), MODIFIED (the mark), DELETED", changed.Name, got)
	}
}

// strandedInKinD starts a world whose cluster3 is stranded in KinD and
// returns KinD and cluster3's graph there.
func strandedInKinD(t *testing.T) (*writable.Cluster, *Graph) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real API servers")
	}
	w := testworld.StartForTest(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	boot, _ := w.ConnectForTest(t)
	g, err := Read(t.Context(), boot, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
	return boot, g
}
