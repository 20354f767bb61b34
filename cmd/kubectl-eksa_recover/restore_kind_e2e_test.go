package main_test

import (
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// TestRestore_KinDHoldsOrphans: neither cluster holds cluster3's Cluster
// (Missing), but KinD still holds its machine templates, which nothing in
// KinD claims any more (no cluster-name label; their owner, the Cluster,
// is gone). The backup holds them: restore refuses in one line naming
// them and the fix, exit 1, and neither cluster changes. move cannot carry
// them (it starts from what claims the cluster), so the fix is not move.
func TestRestore_KinDHoldsOrphans(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	backups, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), eksa.BootstrapBackupPrefix+"*"))
	if len(backups) != 1 {
		t.Fatalf("the world wrote %d eksctl KinD backups, want 1", len(backups))
	}
	kept := orphanInKinD(t, w)

	objects := w.StateForTest(t)
	res := run(t, w.Dir, "restore", "--from", backups[0], "--yes")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	last := lines[len(lines)-1]
	want := "that no Cluster there claims, so `move` cannot carry them: restoring would make two live copies; check the backup holds them, delete them from the KinD cluster, then rerun restore (nothing was changed)"
	if res.code != 1 || res.stdout != "" || !strings.Contains(last, want) {
		t.Errorf("restore with KinD holding the backup's objects = exit %d, stdout %q, stderr %q; want exit 1 and one line saying %q", res.code, res.stdout, res.stderr, want)
	}
	for _, k := range kept {
		if !strings.Contains(last, k.String()) {
			t.Errorf("the refusal does not name %s: %q", k, last)
		}
	}
	testworld.CheckUnchanged(t, "the refused restore", objects, w.StateForTest(t))

	// Why the refusal does not name move: move finds nothing of cluster3.
	if res := run(t, w.Dir, "move", "--yes"); res.code != 1 || !strings.Contains(res.stderr, "no Cluster API objects of cluster3") {
		t.Errorf("move = exit %d, stderr %q; want it to find nothing to move, as the refusal says", res.code, tail(res.stderr, 500))
	}
	testworld.CheckUnchanged(t, "move", objects, w.StateForTest(t))

	// The fix it names: delete them from KinD, then restore.
	boot, _ := w.ConnectForTest(t)
	for _, k := range kept {
		ri, _, err := boot.Resource(k.GroupKind())
		if err != nil {
			t.Fatal(err)
		}
		if err := ri.Delete(t.Context(), k.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting %s: %v", k, err)
		}
	}
	if res := run(t, w.Dir, "restore", "--from", backups[0], "--yes"); res.code != 0 || !strings.Contains(res.stdout, "Verified: the management cluster holds all") {
		t.Errorf("restore after the fix = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, tail(res.stderr, 1000))
	}
}

// orphanInKinD deletes from KinD every object of cluster3 but its machine
// templates, as a cleanup that stopped half way would, and returns their
// names. Their owner references still name the deleted Cluster, and their
// cluster-name label is dropped, as EKS-A renders them before a controller
// sets it: nothing in KinD claims them.
func orphanInKinD(t *testing.T, w *testworld.World) []objgraph.Key {
	t.Helper()
	ctx := t.Context()
	boot, _ := w.ConnectForTest(t)
	members, err := mover.Read(ctx, boot, testworld.SeedClusterName)
	if err != nil {
		t.Fatal(err)
	}
	var kept []objgraph.Key
	for _, k := range members.Keys() {
		ri, _, err := boot.Resource(k.GroupKind())
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(k.Kind, "MachineTemplate") {
			unlabel := []byte(`{"metadata":{"labels":{"` + eksa.LabelClusterName + `":null}}}`)
			if _, err := ri.Patch(ctx, k.Name, types.MergePatchType, unlabel, metav1.PatchOptions{}); err != nil {
				t.Fatalf("unlabelling %s: %v", k, err)
			}
			kept = append(kept, k)
			continue
		}
		unfinalize := []byte(`{"metadata":{"finalizers":null}}`)
		if _, err := ri.Patch(ctx, k.Name, types.MergePatchType, unfinalize, metav1.PatchOptions{}); err != nil {
			t.Fatalf("removing %s's finalizers: %v", k, err)
		}
		if err := ri.Delete(ctx, k.Name, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting %s: %v", k, err)
		}
	}
	if len(kept) == 0 {
		t.Fatalf("cluster3 has no machine template in KinD to leave behind (members %v)", members.Keys())
	}
	left, err := mover.Read(ctx, boot, testworld.SeedClusterName)
	if err != nil || left.Len() != 0 {
		t.Fatalf("KinD's members of cluster3 after the cleanup = %v, %v; want none (one cluster at a time, nothing claims %v)", left.Keys(), err, kept)
	}
	return kept
}
