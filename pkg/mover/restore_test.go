package mover_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// The Missing world: no CAPI object of cluster3 anywhere, no KinD, and the
// backup eksctl took from KinD when the upgrade failed.

func connectManagement(t *testing.T, w *testworld.World) *writable.Cluster {
	t.Helper()
	mgmt, err := writable.Connect(t.Context(), "management", w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	return mgmt
}

// eksctlBackup is the bootstrap-cluster-state-backup-<time> folder the world wrote.
func eksctlBackup(t *testing.T, w *testworld.World) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), eksa.BootstrapBackupPrefix+"*"))
	if len(dirs) != 1 {
		t.Fatalf("the missing world wrote %d eksctl backup folders, want 1", len(dirs))
	}
	return dirs[0]
}

func readEksctlBackup(t *testing.T, w *testworld.World) []*unstructured.Unstructured {
	t.Helper()
	objs, m, err := backup.Read(eksctlBackup(t, w))
	if !errors.Is(err, backup.ErrNoManifest) || m != nil {
		t.Fatalf("ReadBackup(eksctl's folder) = %v, manifest %v; want ErrNoManifest and no manifest", err, m)
	}
	if len(objs) != len(w.Cluster3().Objects) {
		t.Fatalf("ReadBackup(eksctl's folder) = %d objects, want %d", len(objs), len(w.Cluster3().Objects))
	}
	return objs
}

func restore(t *testing.T, mgmt *writable.Cluster, objs []*unstructured.Unstructured, m *backup.Manifest, force, dryRun bool) (*mover.RestoreResult, error) {
	t.Helper()
	return mover.Restore(t.Context(), mover.RestoreOptions{To: mgmt, Objects: objs, Manifest: m, Force: force, DryRun: dryRun, Pace: mover.Pace{Progress: testWriter{t}}})
}

// namespaceState is every object in eksa-system on c, Leases included, by
// kind and name, with its resourceVersion: equal before and after means
// nothing was written there.
func namespaceState(t *testing.T, c *writable.Cluster) map[string]string {
	t.Helper()
	out := map[string]string{}
	gvrs := []schema.GroupVersionResource{{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}}
	for _, r := range c.Resources {
		gvrs = append(gvrs, r.GVR)
	}
	for _, gvr := range gvrs {
		l, err := c.Dyn.Resource(gvr).Namespace(eksa.Namespace).List(t.Context(), metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range l.Items {
			out[gvr.Resource+"/"+o.GetName()] = o.GetResourceVersion()
		}
	}
	return out
}

func checkUnchanged(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k, rv := range after {
		if before[k] != rv {
			t.Errorf("%s wrote %s", what, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("%s deleted %s", what, k)
		}
	}
}

// checkOwnersResolve: every owner reference on management names the
// owner's UID there, not the UID it had where the backup was taken.
func checkOwnersResolve(t *testing.T, g *mover.Graph) {
	t.Helper()
	uids := map[string]types.UID{}
	for k, o := range g.Objects {
		uids[k.Kind+"/"+k.Name] = o.GetUID()
	}
	refs := 0
	for k, o := range g.Objects {
		for _, ref := range o.GetOwnerReferences() {
			refs++
			if want := uids[ref.Kind+"/"+ref.Name]; want == "" || ref.UID != want {
				t.Errorf("%s: owner %s/%s has UID %q, want its UID on management %q", k, ref.Kind, ref.Name, ref.UID, want)
			}
		}
	}
	if refs < 10 {
		t.Errorf("saw %d owner references, want the Machines', MachineSets', Secrets' ...", refs)
	}
}

func clusterPaused(t *testing.T, g *mover.Graph) bool {
	t.Helper()
	cs := g.Clusters()
	if len(cs) != 1 {
		t.Fatalf("management holds %d Clusters, want 1", len(cs))
	}
	paused, _, _ := unstructured.NestedBool(cs[0].Object, "spec", "paused")
	return paused
}

// TestRestore_MissingFromEksctlBackup restores eksctl's folder (clusterctl's
// format, no manifest), then reruns it: without --force what is there is
// skipped and left as it is, with --force it is overwritten.
func TestRestore_MissingFromEksctlBackup(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.Missing, Flavour: f})
			mgmt := connectManagement(t, w)
			objs := readEksctlBackup(t, w)
			n := len(objs)

			res, err := restore(t, mgmt, objs, nil, false, false)
			if err != nil {
				t.Fatalf("Restore() = %v", err)
			}
			if res.Created != n || res.Skipped != 0 || res.Updated != 0 || !slices.Equal(res.Unpaused, []string{"cluster3"}) {
				t.Errorf("Restore() = %+v, want %d created and cluster3 unpaused", res, n)
			}
			after := graph(t, mgmt)
			if after.Len() != n {
				t.Errorf("management holds %d of cluster3's objects, want %d", after.Len(), n)
			}
			if v, err := mover.VerifyRestore(t.Context(), mgmt, objs); err != nil || !v.OK() || v.Checked != n {
				t.Errorf("VerifyRestore() = %+v, %v; want all %d as backed up", v, err, n)
			}
			checkOwnersResolve(t, after)
			for k := range namespaceState(t, mgmt) {
				if strings.HasPrefix(k, "leases/") {
					t.Errorf("the restore left its lock %s on management", k)
				}
			}
			if clusterPaused(t, after) {
				t.Errorf("Cluster cluster3 is paused; the backup recorded it running and every object arrived")
			}
			if kind, _, _ := unstructured.NestedString(after.Clusters()[0].Object, "spec", "managedExternalEtcdRef", "kind"); kind != "EtcdadmCluster" {
				t.Errorf("spec.managedExternalEtcdRef lost in the restore (kind %q)", kind)
			}

			// A hand edit the rerun must keep without --force.
			machine := firstOfKind(t, after, "Machine")
			edited := machine.DeepCopy()
			edited.SetLabels(map[string]string{"edited": "by-hand"})
			ri := mgmt.Dyn.Resource(mgmt.Resources[schema.GroupKind{Group: "cluster.x-k8s.io", Kind: "Machine"}].GVR).Namespace(eksa.Namespace)
			if _, err := ri.Update(t.Context(), edited, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			before := namespaceState(t, mgmt)
			res, err = restore(t, mgmt, objs, nil, false, false)
			if err != nil || res.Created != 0 || res.Updated != 0 || res.Skipped != n || len(res.Existing) != n {
				t.Errorf("rerun without --force = %+v, %v; want all %d skipped", res, err, n)
			}
			checkUnchanged(t, "rerun without --force", before, namespaceState(t, mgmt))
			if v, err := mover.VerifyRestore(t.Context(), mgmt, objs); err != nil || !slices.Equal(v.Differs, []string{objgraph.KeyOf(machine).String()}) {
				t.Errorf("VerifyRestore() after a skipping rerun = %+v, %v; want the hand-edited Machine %s to differ", v, err, machine.GetName())
			}

			res, err = restore(t, mgmt, objs, nil, true, false)
			if err != nil || res.Updated != n || res.Created != 0 || res.Skipped != 0 {
				t.Errorf("rerun with --force = %+v, %v; want all %d updated", res, err, n)
			}
			got, err := ri.Get(t.Context(), machine.GetName(), metav1.GetOptions{})
			if err != nil || got.GetLabels()["edited"] != "" {
				t.Errorf("--force left the hand edit on Machine %s (labels %v, %v)", machine.GetName(), got.GetLabels(), err)
			}
			if v, err := mover.VerifyRestore(t.Context(), mgmt, objs); err != nil || !v.OK() {
				t.Errorf("VerifyRestore() after --force = %+v, %v; want OK", v, err)
			}
			if clusterPaused(t, graph(t, mgmt)) {
				t.Errorf("Cluster cluster3 is paused after --force")
			}
			testworld.CheckOwners(t, w.Management, 20)
		})
	}
}

func firstOfKind(t *testing.T, g *mover.Graph, kind string) *unstructured.Unstructured {
	t.Helper()
	for _, k := range g.Keys() {
		if k.Kind == kind {
			return g.Objects[k]
		}
	}
	t.Fatalf("no %s in the graph", kind)
	return nil
}

// pluginBackup writes objs as the plugin's own backup (with a manifest),
// cluster3 paused as a backup taken from a stranded KinD records it.
func pluginBackup(t *testing.T, objs []*unstructured.Unstructured, paused bool) string {
	t.Helper()
	g := &mover.Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for _, o := range objs {
		o = o.DeepCopy()
		if o.GetKind() == "Cluster" {
			_ = unstructured.SetNestedField(o.Object, paused, "spec", "paused")
		}
		g.Objects[objgraph.KeyOf(o)] = o
	}
	dir := filepath.Join(t.TempDir(), "eksa-recover-backup")
	if _, err := backup.Write(dir, "cluster3", "test", time.Now(), backup.Set{Source: "bootstrap", Objects: g.Sorted()}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRestore_PluginBackupKeepsRecordedPause: the manifest says cluster3
// was paused when backed up, so it is restored paused.
func TestRestore_PluginBackupKeepsRecordedPause(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing, Flavour: testworld.V1Beta2})
	mgmt := connectManagement(t, w)
	dir := pluginBackup(t, readEksctlBackup(t, w), true)
	objs, m, err := backup.Read(dir)
	if err != nil || !slices.Equal(m.PausedClusters, []string{"cluster3"}) {
		t.Fatalf("ReadBackup(plugin backup) = %v, paused %v; want no error and [cluster3]", err, m.PausedClusters)
	}
	res, err := restore(t, mgmt, objs, m, false, false)
	if err != nil {
		t.Fatalf("Restore() = %v", err)
	}
	if res.Created != len(objs) || len(res.Unpaused) != 0 || !slices.Equal(res.LeftPaused, []string{"cluster3"}) {
		t.Errorf("Restore() = %+v, want %d created, cluster3 left paused", res, len(objs))
	}
	after := graph(t, mgmt)
	if !clusterPaused(t, after) {
		t.Errorf("Cluster cluster3 is running; the backup recorded it paused")
	}
	checkOwnersResolve(t, after)
	if v, err := mover.VerifyRestore(t.Context(), mgmt, objs); err != nil || !v.OK() || v.Checked != len(objs) {
		t.Errorf("VerifyRestore() = %+v, %v; want all %d as backed up", v, err, len(objs))
	}
}

// TestRestore_RefusedBeforeWriting: a dry run, a corrupt or truncated
// backup and a target without the CRDs change nothing on management.
func TestRestore_RefusedBeforeWriting(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing, Flavour: testworld.V1Beta1})
	mgmt := connectManagement(t, w)
	objs := readEksctlBackup(t, w)
	before := namespaceState(t, mgmt)

	res, err := restore(t, mgmt, objs, nil, false, true)
	if err != nil || len(res.Plan) < 5 || len(res.Existing) != 0 || res.Created+res.Updated+res.Skipped != 0 {
		t.Errorf("dry run = %+v, %v; want a plan of at least 5 groups and nothing done", res, err)
	}
	checkUnchanged(t, "dry run", before, namespaceState(t, mgmt))

	damage := []struct {
		name    string
		damage  func(file string) error
		wantErr string
	}{
		{"a file edited", func(f string) error {
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			return os.WriteFile(f, []byte(strings.Replace(string(data), "cluster3", "cluster9", 1)), 0o600)
		}, "is corrupt"},
		{"a file cut short", func(f string) error {
			fi, err := os.Stat(f)
			if err != nil {
				return err
			}
			return os.Truncate(f, fi.Size()/2)
		}, "is corrupt"},
		{"a file deleted", os.Remove, "is truncated"},
	}
	for _, tt := range damage {
		dir := pluginBackup(t, objs, false)
		file := filepath.Join(dir, backup.FileName(firstOfKind(t, graphOfObjects(objs), "Machine")))
		if err := tt.damage(file); err != nil {
			t.Fatal(err)
		}
		got, m, err := backup.Read(dir)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), filepath.Base(file)) || got != nil || m != nil {
			t.Errorf("%s: ReadBackup() = %d objects, %v; want none and an error saying %q naming %s", tt.name, len(got), err, tt.wantErr, filepath.Base(file))
		}
	}

	// Management without EtcdadmCluster's CRD: refused, naming it.
	crds := mgmt.Dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	if err := crds.Delete(t.Context(), "etcdadmclusters.etcdcluster.cluster.x-k8s.io", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var lacking *writable.Cluster
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		lacking = connectManagement(t, w)
		if _, served := lacking.Resources[schema.GroupKind{Group: "etcdcluster.cluster.x-k8s.io", Kind: "EtcdadmCluster"}]; !served {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the deleted CRD is still served after 30s")
		}
	}
	_, err = restore(t, lacking, objs, nil, false, false)
	if err == nil || !strings.Contains(err.Error(), "lacks the CRDs for EtcdadmCluster.etcdcluster.cluster.x-k8s.io") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("Restore() without the EtcdadmCluster CRD = %v; want a refusal naming it", err)
	}
	checkUnchanged(t, "restore to a cluster lacking a CRD", before, namespaceState(t, lacking))
}

func graphOfObjects(objs []*unstructured.Unstructured) *mover.Graph {
	g := &mover.Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for _, o := range objs {
		g.Objects[objgraph.KeyOf(o)] = o
	}
	return g
}

// A restore killed half way leaves its Lease and its Clusters paused. A
// move run afterwards must not take that for its own unfinished move and
// unpause a cluster that may be only partly restored.
func TestMove_LeavesACutOffRestoreAlone(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	boot, mgmt := connect(t, w)
	if _, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "backup"), false); err != nil {
		t.Fatal(err)
	}
	clusters := mgmt.Dyn.Resource(schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: string(w.Flavour), Resource: "clusters"}).Namespace(eksa.Namespace)
	if _, err := clusters.Patch(t.Context(), "cluster3", types.MergePatchType, []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	dead := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": "eksa-recover-move-cluster3", "namespace": eksa.Namespace,
			"annotations": map[string]any{mover.AnnotationOperation: mover.OperationRestore}},
		"spec": map[string]any{"holderIdentity": "elsewhere/1/2026-01-01T00:00:00Z", "leaseDurationSeconds": int64(30),
			"renewTime": "2026-01-01T00:00:00.000000Z"},
	}}
	leases := mgmt.Dyn.Resource(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}).Namespace(eksa.Namespace)
	if _, err := leases.Create(t.Context(), dead, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "again"), false)
	if err != nil || len(res.Unpause) != 0 {
		t.Fatalf("Move() after a cut-off restore = %+v, %v; want nothing to move and nothing unpaused", res, err)
	}
	got, err := clusters.Get(t.Context(), "cluster3", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if paused, _, _ := unstructured.NestedBool(got.Object, "spec", "paused"); !paused {
		t.Errorf("move unpaused Cluster cluster3, which a cut-off restore had left paused")
	}
}

// TestRestorePlan_RunRefusesWhatChanged: one of the backup's objects
// appears on management after the plan (which would now skip it, not
// create it): Run names it and writes nothing, not even its Lease.
func TestRestorePlan_RunRefusesWhatChanged(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing})
	mgmt := connectManagement(t, w)
	objs := readEksctlBackup(t, w)
	p, err := mover.PlanRestore(t.Context(), mover.RestoreOptions{To: mgmt, Objects: objs, Pace: mover.Pace{Progress: testWriter{t}}})
	if err != nil || !p.Writes() || len(p.Existing) != 0 {
		t.Fatalf("PlanRestore() = %+v, %v; want a plan that creates every object", p, err)
	}
	g := &mover.Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for _, o := range objs {
		g.Objects[objgraph.KeyOf(o)] = o
	}
	secret := firstOfKind(t, g, "Secret").DeepCopy()
	secret.SetResourceVersion("")
	secret.SetUID("")
	secret.SetOwnerReferences(nil)
	if _, err := mgmt.Dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace(eksa.Namespace).
		Create(t.Context(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before := namespaceState(t, mgmt)
	res, err := p.Run(t.Context())
	want := "Secret/" + secret.GetName() + " added on the management cluster"
	if res != nil || err == nil || !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), "rerun restore to see the new plan") {
		t.Fatalf("Run() after the change = %+v, %v; want no result and an error naming %q and the rerun", res, err, want)
	}
	checkUnchanged(t, "a restore whose plan changed", before, namespaceState(t, mgmt))
}
