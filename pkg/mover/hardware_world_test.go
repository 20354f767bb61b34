package mover_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// TestMove_HardwareInUseOnManagement: the management cluster already holds
// a Hardware of the name of one KinD's cluster3 runs on, in use by another
// cluster's machine. The move refuses in its plan, naming the Hardware and
// both owners, before any write (no backup, no Lease, both clusters as they
// were); once the operator deletes the stale copy, the same move runs and
// carries KinD's, labels intact.
func TestMove_HardwareInUseOnManagement(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Provider: testworld.Tinkerbell})
	boot, mgmt := connect(t, w)
	var ours *unstructured.Unstructured
	for _, o := range graph(t, boot).Sorted() {
		if o.GetKind() == "Hardware" && o.GetLabels()[eksa.LabelTinkerbellOwnerName] != "" {
			ours = o
			break
		}
	}
	if ours == nil {
		t.Fatal("KinD holds no Hardware of cluster3 in use")
	}
	theirs := ours.DeepCopy()
	for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "managedFields", "ownerReferences"} {
		unstructured.RemoveNestedField(theirs.Object, "metadata", f)
	}
	delete(theirs.Object, "status")
	labels := theirs.GetLabels()
	labels[eksa.LabelTinkerbellOwnerName] = "cluster9-md-0-x7k2p"
	theirs.SetLabels(labels)
	ri, _, err := mgmt.Resource(objgraph.KeyOf(ours).GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ri.Create(t.Context(), theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	before := w.StateForTest(t)
	dir := filepath.Join(t.TempDir(), "backup")
	_, err = move(t, boot, mgmt, dir, false)
	for _, want := range []string{
		"Hardware.tinkerbell.org/" + ours.GetName() + " is in use on the target by TinkerbellMachine eksa-system/cluster9-md-0-x7k2p",
		"(the copy carried: TinkerbellMachine eksa-system/" + ours.GetLabels()[eksa.LabelTinkerbellOwnerName] + ")",
		"nothing was changed",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Move() = %v; want a refusal saying %q", err, want)
		}
	}
	testworld.CheckUnchanged(t, "the refused move", before, w.StateForTest(t))
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("the refused move wrote its backup folder (%v)", statErr)
	}

	if err := ri.Delete(t.Context(), ours.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := move(t, boot, mgmt, dir, false); err != nil {
		t.Fatalf("Move() after the stale copy was deleted = %v", err)
	}
	got, err := ri.Get(t.Context(), ours.GetName(), metav1.GetOptions{})
	if err != nil || got.GetLabels()[eksa.LabelTinkerbellOwnerName] != ours.GetLabels()[eksa.LabelTinkerbellOwnerName] {
		t.Errorf("Hardware %s on management after the move = %v, %v; want KinD's, owned by %s", ours.GetName(), got.GetLabels(), err, ours.GetLabels()[eksa.LabelTinkerbellOwnerName])
	}
}
