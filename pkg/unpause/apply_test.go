package unpause_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/unpause"
)

// read takes the snapshot status takes.
func read(t *testing.T, w *testworld.World) *snapshot.Snapshot {
	t.Helper()
	snap, _, err := w.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// diagnosis is what status would say now.
func diagnosis(t *testing.T, w *testworld.World) diagnose.Report {
	t.Helper()
	_, r, err := w.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

func pauseFindings(r diagnose.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Code == diagnose.CodePauseMarker {
			out = append(out, f.Message)
		}
	}
	return out
}

func plan(t *testing.T, w *testworld.World) *pause.Changes {
	t.Helper()
	c, err := pause.Plan(pause.Input{Snapshot: read(t, w), ClusterName: "cluster3"})
	if err != nil {
		t.Fatalf("Plan(...) = %v", err)
	}
	return c
}

// resumeWorld plans and applies, then checks what a user relies on: every
// marker gone on the server, a second plan empty, and a backup holding each
// object as it was, markers included.
func resumeWorld(t *testing.T, w *testworld.World) *pause.Changes {
	t.Helper()
	c := plan(t, w)
	if c.Empty() {
		t.Fatal("Plan(...) is empty before resume: the test would prove nothing")
	}
	target, err := writable.Connect(t.Context(), "management", w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(w.Layout.Dir(), "eksa-recover-backup-test")
	res, err := unpause.Apply(t.Context(), target, c, unpause.Options{BackupDir: dir, ToolVersion: "test", Now: time.Now()})
	if err != nil {
		t.Fatalf("Apply(...) = %v", err)
	}
	if len(res.Resumed) != len(c.Objects) {
		t.Errorf("Apply(...) reported %d objects, want one line per changed object (%d): %q", len(res.Resumed), len(c.Objects), res.Resumed)
	}
	// Each object's own fields, read back: every planned annotation key
	// gone (not set to another value), spec.paused gone (null, as eksctl's
	// resume leaves it), whatever a second plan would make of them.
	for _, ch := range c.Objects {
		gk := schema.GroupKind{Group: ch.Object.Group, Kind: ch.Object.Kind}
		r, ok := target.Resources[gk]
		if !ok {
			r, ok = target.EKSA[gk]
		}
		if !ok {
			t.Fatalf("the management cluster serves no %s.%s", ch.Object.Kind, ch.Object.Group)
		}
		ri := dynamic.ResourceInterface(target.Dyn.Resource(r.GVR))
		if r.Namespaced {
			ri = target.Dyn.Resource(r.GVR).Namespace(ch.Object.Namespace)
		}
		u, err := ri.Get(t.Context(), ch.Object.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("reading %s back: %v", ch.Object, err)
		}
		for _, a := range ch.Annotations {
			if v, ok := u.GetAnnotations()[a]; ok {
				t.Errorf("%s still has annotation %s=%q after resume", ch.Object, a, v)
			}
		}
		if v, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "paused"); ch.SpecPaused && found {
			t.Errorf("%s still has spec.paused=%v after resume, want the field gone", ch.Object, v)
		}
	}
	if again := plan(t, w); !again.Empty() {
		t.Errorf("Plan(...) after Apply still clears %d objects: %+v", len(again.Objects), again.Objects)
	}
	backedUp, _, err := backup.Read(dir)
	if err != nil {
		t.Fatalf("ReadBackup(%s) = %v", dir, err)
	}
	byRef := map[string]*unstructured.Unstructured{}
	for _, u := range backedUp {
		byRef[u.GetKind()+"/"+u.GetNamespace()+"/"+u.GetName()] = u
	}
	for _, ch := range c.Objects {
		u := byRef[ch.Object.Kind+"/"+ch.Object.Namespace+"/"+ch.Object.Name]
		if u == nil {
			t.Errorf("backup lacks %s", ch.Object)
			continue
		}
		for _, a := range ch.Annotations {
			if _, ok := u.GetAnnotations()[a]; !ok {
				t.Errorf("backup of %s lacks annotation %s: it is not the object as it was", ch.Object, a)
			}
		}
		if paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused"); ch.SpecPaused && !paused {
			t.Errorf("backup of %s is not paused: it is not the object as it was", ch.Object)
		}
	}
	if len(backedUp) != len(c.Objects) {
		t.Errorf("backup holds %d objects, want the %d changed", len(backedUp), len(c.Objects))
	}
	return c
}

// TestApply_PausedInPlace: EKS-A v0.19.8 left w01 paused and eksctl's
// annotations on both clusters; after resume status no longer says
// PausedAfterFailure and no pause marker is found.
func TestApply_PausedInPlace(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			w := testworld.StartForTest(t, testworld.Options{Scenario: testworld.PausedInPlace, Flavour: f})
			if r := diagnosis(t, w); r.State != diagnose.PausedAfterFailure {
				t.Fatalf("state before resume = %s, want PausedAfterFailure", r.State)
			}
			c := resumeWorld(t, w)
			var specPaused []string
			for _, ch := range c.Objects {
				if ch.SpecPaused {
					specPaused = append(specPaused, ch.Object.Name)
				}
			}
			if strings.Join(specPaused, ",") != "w01" || strings.Join(c.Clusters, ",") != "cluster3,w01" {
				t.Errorf("resumed spec.paused on %q of clusters %q, want w01 of cluster3,w01", specPaused, c.Clusters)
			}
			r := diagnosis(t, w)
			if r.State == diagnose.PausedAfterFailure || len(pauseFindings(r)) > 0 {
				t.Errorf("after resume: state %s, pause findings %q; want neither", r.State, pauseFindings(r))
			}
		})
	}
}

// TestApply_AfterMove: resume refuses while the world is stranded; moved
// back, it keeps eksctl's
// annotations (the move unpauses spec.paused itself, to false); resume
// clears them with the empty KinD still there.
func TestApply_AfterMove(t *testing.T) {
	t.Parallel()
	w := testworld.StartForTest(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	if _, err := pause.Plan(pause.Input{Snapshot: read(t, w), ClusterName: "cluster3"}); err == nil ||
		!strings.Contains(err.Error(), "objects of cluster3: run `kubectl eksa-recover move` first") {
		t.Fatalf("Plan(stranded) = %v, want a refusal pointing to move", err)
	}
	boot, mgmt := w.ConnectForTest(t)
	if _, err := mover.Move(t.Context(), mover.Options{From: boot, To: mgmt, ClusterName: "cluster3",
		BackupDir: filepath.Join(t.TempDir(), "move"), ToolVersion: "test"}); err != nil {
		t.Fatalf("Move(...) = %v", err)
	}
	for _, o := range read(t, w).Management.Objects {
		if o.Kind == "Cluster" && o.Paused {
			t.Errorf("Cluster %s is paused on management after the move; resume would have to clear it", o.Name)
		}
	}
	if got := pauseFindings(diagnosis(t, w)); len(got) == 0 {
		t.Fatal("no pause marker after the move: the test would prove nothing")
	}
	c := resumeWorld(t, w)
	if strings.Join(c.Clusters, ",") != "cluster3" {
		t.Errorf("resumed clusters %q, want cluster3", c.Clusters)
	}
	r := diagnosis(t, w)
	if r.State == diagnose.PausedAfterFailure || len(pauseFindings(r)) > 0 {
		t.Errorf("after resume: state %s, pause findings %q; want neither", r.State, pauseFindings(r))
	}
}
