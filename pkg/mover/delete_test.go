package mover

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// TestDeleteGroup_RefusesWhileUnpaused: the last guard before a source
// object is deleted is that its Cluster is paused there, read again before
// every group. Unpaused (someone ran a controller's fix mid-move), the
// group is refused whole and nothing is deleted; paused, it goes.
func TestDeleteGroup_RefusesWhileUnpaused(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts real API servers")
	}
	w := testworld.StartForTest(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	boot, _ := w.ConnectForTest(t)
	g, err := Read(t.Context(), boot, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
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

func keysOn(t *testing.T, c *Cluster, g *Graph) int {
	t.Helper()
	there, err := existingOn(t.Context(), c, g)
	if err != nil {
		t.Fatal(err)
	}
	return len(there)
}
