package mover_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

func startWorld(t *testing.T, o testworld.Options) *testworld.World {
	t.Helper()
	return testworld.StartForTest(t, o)
}

func connect(t *testing.T, w *testworld.World) (boot, mgmt *writable.Cluster) {
	t.Helper()
	return w.ConnectForTest(t)
}

func graph(t *testing.T, c *writable.Cluster) *mover.Graph {
	t.Helper()
	g, err := mover.Read(t.Context(), c, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func move(t *testing.T, boot, mgmt *writable.Cluster, dir string, dryRun bool) (*mover.Result, error) {
	t.Helper()
	return mover.Move(t.Context(), mover.Options{
		From: boot, To: mgmt, ClusterName: "cluster3", BackupDir: dir, ToolVersion: "test", DryRun: dryRun,
		Pace: mover.Pace{Progress: testWriter{t}},
	})
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func TestMove_Stranded(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: f})
			boot, mgmt := connect(t, w)
			before := graph(t, boot)
			// 32 objects: the CAPI objects and their Secrets.
			if before.Len() != len(w.Cluster3().Objects) {
				t.Fatalf("graph in KinD = %d objects, want %d", before.Len(), len(w.Cluster3().Objects))
			}
			dir := filepath.Join(t.TempDir(), "backup")
			res, err := move(t, boot, mgmt, dir, false)
			if err != nil {
				t.Fatalf("Move() = %v", err)
			}
			if res.Created != before.Len() || res.Deleted != before.Len() || res.Updated != 0 {
				t.Errorf("Move() = %+v, want %d created and deleted", res, before.Len())
			}
			if left := graph(t, boot); left.Len() != 0 {
				t.Errorf("KinD still holds %v", left.Keys())
			}
			after := graph(t, mgmt)
			if after.Len() != before.Len() {
				t.Errorf("management holds %d objects, want %d", after.Len(), before.Len())
			}
			backup, m, err := backup.Read(dir)
			if err != nil {
				t.Fatalf("ReadBackup() = %v", err)
			}
			if len(m.PausedClusters) != 1 || len(backup) != before.Len() {
				t.Errorf("backup = %d objects, paused %v; want %d and [cluster3]", len(backup), m.PausedClusters, before.Len())
			}
			v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", backup)
			if err != nil || !v.OK() {
				t.Errorf("Verify() = %+v, %v; want OK", v, err)
			}
			cluster := after.Clusters()[0]
			if paused, _, _ := unstructured.NestedBool(cluster.Object, "spec", "paused"); paused {
				t.Errorf("management Cluster is still paused after the move")
			}
			if kind, _, _ := unstructured.NestedString(cluster.Object, "spec", "managedExternalEtcdRef", "kind"); kind != "EtcdadmCluster" {
				t.Errorf("spec.managedExternalEtcdRef lost in the move (kind %q)", kind)
			}
			checkModes(t, dir)
			testworld.CheckOwners(t, w.Management, 20)
		})
	}
}

func checkModes(t *testing.T, dir string) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	files = append(files, backup.ManifestPath(dir))
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v; want 0600", f, fi.Mode().Perm())
		}
	}
}

// TestMove_SplitConverges: a move cut off after creating everything and
// deleting part of KinD is finished by a rerun.
func TestMove_SplitConverges(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Split, Flavour: testworld.V1Beta2})
	boot, mgmt := connect(t, w)
	res, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "b"), false)
	if err != nil {
		t.Fatalf("Move() = %v", err)
	}
	if res.Updated == 0 {
		t.Errorf("Move() updated nothing; the split world had objects on management already")
	}
	if graph(t, boot).Len() != 0 || graph(t, mgmt).Len() != len(w.Cluster3().Objects) {
		t.Errorf("after the rerun: KinD %d, management %d objects; want 0 and %d", graph(t, boot).Len(), graph(t, mgmt).Len(), len(w.Cluster3().Objects))
	}
	// The rerun updated what the cut-off move had created: the owners it
	// wrote must be management's, not KinD's.
	testworld.CheckOwners(t, w.Management, 20)
	// A second rerun has nothing left to do.
	if res, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "c"), false); err != nil || res.Created+res.Deleted != 0 {
		t.Errorf("second rerun = %+v, %v; want nothing to do", res, err)
	}
}

func TestMove_DryRunChangesNothing(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	boot, mgmt := connect(t, w)
	parent := t.TempDir()
	dir := filepath.Join(parent, "b")
	before := w.StateForTest(t)
	res, err := move(t, boot, mgmt, dir, true)
	if err != nil || len(res.Plan) < 5 {
		t.Fatalf("dry run = %+v, %v; want a plan of at least 5 groups", res, err)
	}
	// Every object in eksa-system and the EKS-A namespace on both
	// clusters, by resourceVersion: the Lease a move takes is one.
	testworld.CheckUnchanged(t, "move --dry-run", before, w.StateForTest(t))
	if leaseLeft(t, mgmt) {
		t.Errorf("dry run left a move Lease on management")
	}
	if graph(t, boot).Len() != len(w.Cluster3().Objects) || graph(t, mgmt).Len() != 0 {
		t.Errorf("dry run moved objects")
	}
	if entries, err := os.ReadDir(parent); err != nil || len(entries) != 0 {
		t.Errorf("dry run wrote %v in the backup's parent folder (%v); want nothing, no backup nor its manifest", entries, err)
	}
}

// TestMovePlan_RunRefusesWhatChanged: a plan whose clusters changed before
// Run (an object relabelled, added or removed, on either side) runs
// nothing: Run names each change and writes nothing, not even its Lease or
// its backup. A change to status alone, which a move never carries, does
// not stop it.
func TestMovePlan_RunRefusesWhatChanged(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Split, Flavour: testworld.V1Beta2})
	boot, mgmt := connect(t, w)
	plan := func(dir string) *mover.MovePlan {
		t.Helper()
		p, err := mover.PlanMove(t.Context(), mover.Options{From: boot, To: mgmt, ClusterName: "cluster3", BackupDir: dir,
			ToolVersion: "test", Pace: mover.Pace{Progress: testWriter{t}}})
		if err != nil || p.Objects() == 0 {
			t.Fatalf("PlanMove() = %v, %v; want a plan", p, err)
		}
		return p
	}
	// The split world's KinD keeps the first groups (the Cluster among
	// them); management holds the objects created before the cut.
	cluster := firstOfKind(t, graph(t, boot), "Cluster")
	onMgmt := firstOfKind(t, graph(t, mgmt), "Secret")
	clusters := boot.Dyn.Resource(boot.Resources[schema.GroupKind{Group: "cluster.x-k8s.io", Kind: "Cluster"}].GVR).Namespace(eksa.Namespace)
	secretsOn := func(c *writable.Cluster) dynamic.ResourceInterface {
		return c.Dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(eksa.Namespace)
	}
	tests := []struct {
		name   string
		change func(t *testing.T)
		want   string
	}{
		{"relabelled in KinD", func(t *testing.T) {
			patch := []byte(`{"metadata":{"labels":{"example.com/touched":"after-the-plan"}}}`)
			if _, err := clusters.Patch(t.Context(), cluster.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
		}, objgraph.KeyOf(cluster).String() + " changed on the bootstrap cluster"},
		{"added in KinD", func(t *testing.T) {
			s := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
				"metadata": map[string]any{"name": "cluster3-added-after-the-plan", "namespace": eksa.Namespace}}}
			if _, err := secretsOn(boot).Create(t.Context(), s, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}, "Secret/cluster3-added-after-the-plan added on the bootstrap cluster"},
		{"removed from management", func(t *testing.T) {
			if err := secretsOn(mgmt).Delete(t.Context(), onMgmt.GetName(), metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, "Secret/" + onMgmt.GetName() + " removed from the management cluster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "b")
			p := plan(dir)
			tt.change(t)
			before := map[string]map[string]string{"bootstrap": namespaceState(t, boot), "management": namespaceState(t, mgmt)}
			res, err := p.Run(t.Context())
			if res != nil || err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasSuffix(err.Error(), "rerun move to see the new plan") {
				t.Fatalf("Run() after the change = %+v, %v; want no result and an error naming %q and the rerun", res, err, tt.want)
			}
			checkUnchanged(t, "bootstrap", before["bootstrap"], namespaceState(t, boot))
			checkUnchanged(t, "management", before["management"], namespaceState(t, mgmt))
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("Run() wrote a backup after the plan changed")
			}
		})
	}

	t.Run("status only", func(t *testing.T) {
		p := plan(filepath.Join(t.TempDir(), "b"))
		live, err := clusters.Get(t.Context(), cluster.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_ = unstructured.SetNestedField(live.Object, "Provisioning", "status", "phase")
		updated, err := clusters.UpdateStatus(t.Context(), live, metav1.UpdateOptions{})
		if apierrors.IsNotFound(err) { // no status subresource: status is written with the rest
			updated, err = clusters.Update(t.Context(), live, metav1.UpdateOptions{})
		}
		if err != nil || updated.GetResourceVersion() == live.GetResourceVersion() {
			t.Fatalf("writing status = %v; want a new resourceVersion", err)
		}
		if res, err := p.Run(t.Context()); err != nil || res.Deleted != p.Objects() {
			t.Errorf("Run() after a status-only change = %+v, %v; want the plan run", res, err)
		}
	})
}

// TestMovePlan_FinishNeedsTheLeaseItSaw: a plan that only unpauses (a
// cut-off move's Lease and paused Clusters) is not run once that Lease is
// gone: the Clusters may then be paused by someone else.
func TestMovePlan_FinishNeedsTheLeaseItSaw(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	boot, mgmt := connect(t, w)
	if _, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "b"), false); err != nil {
		t.Fatalf("Move() = %v", err)
	}
	clusters := mgmt.Dyn.Resource(mgmt.Resources[schema.GroupKind{Group: "cluster.x-k8s.io", Kind: "Cluster"}].GVR).Namespace(eksa.Namespace)
	if _, err := clusters.Patch(t.Context(), "cluster3", types.MergePatchType, []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	lock, err := mover.AcquireLock(t.Context(), mgmt, "cluster3", mover.Holder(time.Now()), time.Now(), testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	p, err := mover.PlanMove(t.Context(), mover.Options{From: boot, To: mgmt, ClusterName: "cluster3",
		BackupDir: filepath.Join(t.TempDir(), "c"), ToolVersion: "test", Pace: mover.Pace{Progress: testWriter{t}}})
	if err != nil || len(p.Unpause) != 1 {
		t.Fatalf("PlanMove() = %+v, %v; want the unpause of cluster3", p, err)
	}
	if err := lock.Release(t.Context()); err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(t.Context())
	if res != nil || err == nil || !strings.Contains(err.Error(), "Lease eksa-system/eksa-recover-move-cluster3 is gone") {
		t.Errorf("Run() without the Lease = %+v, %v; want an error naming the Lease", res, err)
	}
	if c, err := clusters.Get(t.Context(), "cluster3", metav1.GetOptions{}); err != nil || c.Object["spec"].(map[string]any)["paused"] != true {
		t.Errorf("Cluster cluster3 on management after the refused Run: %v, %v; want it still paused", c, err)
	}
}
