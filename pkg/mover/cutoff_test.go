package mover_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// A move cut off at any request, on either cluster, then rerun without the
// fault, must end as an uncut move does: every object of the graph once on
// management with its spec, none in KinD, the Cluster unpaused, no lock
// left, and status no longer finding anything in KinD.

var leaseGVR = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}

// TestMove_CutOff cuts a move off at points on each side spread over the
// requests a full move makes there, and reruns it without the fault: 22 a
// side on v1beta1 vSphere (what EKS-A <= v0.17 leaves stranded, where a KinD
// move happens at all), and a coarser 10 a side on today's contract with
// another provider (a create cluster that dies before its move strands
// objects in KinD in every era), which takes the same code path through other
// kinds, versions and schemas.
func TestMove_CutOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flavour       testworld.Flavour
		provider      testworld.Provider
		before, after int
	}{
		{testworld.V1Beta1, testworld.VSphere, cutPointsBefore, cutPointsAfter},
		{testworld.V1Beta2, testworld.Nutanix, 3, 8},
	} {
		t.Run(string(tc.flavour)+"/"+string(tc.provider), func(t *testing.T) {
			t.Parallel()
			cutOffSweep(t, testworld.Options{Scenario: testworld.Stranded, Flavour: tc.flavour, Provider: tc.provider}, tc.before, tc.after)
		})
	}
}

func cutOffSweep(t *testing.T, o testworld.Options, before, after int) {
	w := startWorld(t, o)
	boot, mgmt := connect(t, w)
	started := time.Now()
	var spent [2]time.Duration // resetting and moving; checking
	// The original is the graph as KinD stores it (with the schema's
	// defaults), not as the builder wrote it.
	stranded := graph(t, boot)
	var original []*unstructured.Unstructured
	for _, k := range stranded.Keys() {
		original = append(original, stranded.Objects[k])
	}
	if len(original) != len(w.Cluster3().Objects) {
		t.Fatalf("KinD holds %d of cluster3's objects, want %d", len(original), len(w.Cluster3().Objects))
	}

	sides, wantState := measure(t, w, boot, mgmt)
	t.Logf("an uncut move leaves the state %s; every cut and rerun must too", wantState)
	for _, side := range []string{"management", "bootstrap"} {
		ph := sides[side]
		ph.before, ph.after = before, after
		sides[side] = ph
		// The side's own writes: creates on management, deletes in KinD.
		busy := map[string]string{"management": "create", "bootstrap": "delete"}[side]
		if got := ph.count(busy); len(ph.points()) < before+after-1 || got < after/2 {
			t.Fatalf("%s: %d cut points, %d of them in the %s phase; want at least %d cuts, %d in %s",
				side, len(ph.points())-1, got, busy, before+after-2, after/2, busy)
		}
		t.Logf("a full move makes %d requests to the %s cluster: prepare [0,%d) create [%d,%d) delete [%d,%d) release [%d,%d)",
			ph.total, side, ph.create, ph.create, ph.delete, ph.delete, ph.moved, ph.moved, ph.total)
		var landed []string
		points := ph.points()
		for i, n := range points {
			t0 := time.Now()
			cut, failed := cutAndRerun(t, w, boot, mgmt, side, n)
			spent[0] += time.Since(t0)
			// Every point but the last lies inside the move: the proxy must
			// have cut it, or this point tested an uncut move.
			if i < len(points)-1 && !cut {
				t.Errorf("cut point %d of %d requests on the %s cluster (%s phase): the proxy never cut the move, so the point tested an uncut one",
					n, ph.total, side, ph.name(n))
			}
			if t.Failed() {
				t.Fatalf("cut at request %d of %d on the %s cluster (%s phase) did not converge", n, ph.total, side, ph.name(n))
			}
			t0 = time.Now()
			checkConverged(t, w, boot, mgmt, original, wantState)
			spent[1] += time.Since(t0)
			if t.Failed() {
				t.Fatalf("after a cut at request %d of %d on the %s cluster (%s phase) and a rerun", n, ph.total, side, ph.name(n))
			}
			outcome := "failed"
			if !failed {
				outcome = "ran through"
			}
			landed = append(landed, fmt.Sprintf("%d:%s(%s)", n, ph.name(n), outcome))
		}
		t.Logf("%s cut points: %s", side, strings.Join(landed, " "))
	}
	t.Logf("%d cut-off moves and reruns in %s (reset, cut move and rerun %s; checks %s)",
		len(sides["bootstrap"].points())+len(sides["management"].points()), time.Since(started).Round(time.Second),
		spent[0].Round(time.Second), spent[1].Round(time.Second))
}

// cutAndRerun resets the world to stranded, moves with the side's
// connection broken after n requests, then moves again without the fault.
// It returns whether the proxy cut the move, and whether the move failed.
func cutAndRerun(t *testing.T, w *testworld.World, boot, mgmt *writable.Cluster, side string, n int) (cut, failed bool) {
	t.Helper()
	if err := w.Reset(t.Context(), testworld.Stranded); err != nil {
		t.Fatal(err)
	}
	from, to := boot, mgmt
	p := newProxy(t, w.Management.Config)
	if side == "bootstrap" {
		p = newProxy(t, w.Bootstrap.Config)
		from = through(t, boot, p)
	} else {
		to = through(t, mgmt, p)
	}
	p.CutAfter(n)
	var cutLog bytes.Buffer
	_, cutErr := mover.Move(t.Context(), mover.Options{
		From: from, To: to, ClusterName: "cluster3", BackupDir: filepath.Join(t.TempDir(), "cut"),
		ToolVersion: "test", Pace: mover.Pace{Progress: &cutLog},
	})
	p.Close()
	cut = p.Cut()
	// Only a cut of the lock's release, after the move is done, goes
	// unreported: the move ignores it and the Lease is left to expire.
	if cutErr == nil && cut && (side != "management" || !leaseLeft(t, mgmt)) {
		t.Errorf("Move() cut at request %d on the %s cluster returned no error\n%s", n, side, cutLog.String())
	}
	// The plugin process would have exited with the error: its lock, if the
	// cut kept it from releasing it, now names a process that is gone.
	tookOver := orphanLease(t, mgmt)
	var rerunLog bytes.Buffer
	if _, err := mover.Move(t.Context(), mover.Options{
		From: boot, To: mgmt, ClusterName: "cluster3", BackupDir: filepath.Join(t.TempDir(), "rerun"),
		ToolVersion: "test", Pace: mover.Pace{Progress: &rerunLog},
	}); err != nil {
		t.Errorf("rerun after a cut at request %d on the %s cluster = %v\ncut-off move: %v\n%s\nrerun:\n%s", n, side, err, cutErr, cutLog.String(), rerunLog.String())
	}
	if tookOver && !strings.Contains(rerunLog.String(), "Taking over the move lock") {
		t.Errorf("rerun did not say it took over the dead move's lock:\n%s\ncut-off move (%d requests, %v):\n%s", rerunLog.String(), p.Requests(), cutErr, cutLog.String())
	}
	return cut, cutErr != nil
}

// leaseLeft says whether a move Lease is on management.
func leaseLeft(t *testing.T, mgmt *writable.Cluster) bool {
	t.Helper()
	_, err := mgmt.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace).Get(t.Context(), "eksa-recover-move-cluster3", metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// orphanLease points a move Lease this test process holds at a process
// that has exited, as the killed or failed plugin's would be. It reports
// whether there was one.
func orphanLease(t *testing.T, mgmt *writable.Cluster) bool {
	t.Helper()
	ri := mgmt.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace)
	l, err := ri.Get(t.Context(), "eksa-recover-move-cluster3", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	holder, _, _ := unstructured.NestedString(l.Object, "spec", "holderIdentity")
	host, _ := os.Hostname()
	if !strings.HasPrefix(holder, fmt.Sprintf("%s/%d/", host, os.Getpid())) {
		t.Fatalf("the move lock is held by %q, not by this process", holder)
	}
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("%s/%d/%s", host, gone.Process.Pid, time.Now().UTC().Format(time.RFC3339))
	_ = unstructured.SetNestedField(l.Object, dead, "spec", "holderIdentity")
	if _, err := ri.Update(t.Context(), l, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	return true
}

// checkConverged asserts the end state of an uncut move.
func checkConverged(t *testing.T, w *testworld.World, boot, mgmt *writable.Cluster, original []*unstructured.Unstructured, wantState diagnose.State) {
	t.Helper()
	if left := graph(t, boot); left.Len() != 0 {
		t.Errorf("KinD still holds %d objects: %v", left.Len(), left.Keys()[:min(5, left.Len())])
	}
	onMgmt := graph(t, mgmt)
	want := map[objgraph.Key]bool{}
	for _, o := range original {
		want[objgraph.KeyOf(o)] = true
		if _, ok := onMgmt.Objects[objgraph.KeyOf(o)]; !ok {
			t.Errorf("%s is not on management", objgraph.KeyOf(o))
		}
	}
	for _, k := range onMgmt.Keys() {
		if !want[k] {
			t.Errorf("management holds %s, which the original graph has not", k)
		}
	}
	v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", original)
	if err != nil || !v.OK() || v.Checked != len(original) {
		t.Errorf("Verify(original) = %+v, %v; want all %d equal", v, err, len(original))
	}
	for _, c := range onMgmt.Clusters() {
		if paused, _, _ := unstructured.NestedBool(c.Object, "spec", "paused"); paused {
			t.Errorf("Cluster %s is still paused on management", c.GetName())
		}
	}
	if leaseLeft(t, mgmt) {
		t.Errorf("a move Lease is left on management")
	}
	testworld.CheckOwners(t, w.Management, 20)
	if r := diagnosis(t, w); len(r.Objects.Bootstrap) != 0 || r.State != wantState {
		t.Errorf("status = %s with %v in KinD; want %s with nothing in KinD", r.State, r.Objects.Bootstrap, wantState)
	}
}

// diagnosis is what `status` reports on the world.
func diagnosis(t *testing.T, w *testworld.World) diagnose.Report {
	t.Helper()
	_, r, err := w.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return *r
}
