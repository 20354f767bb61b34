package mover_test

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// faultPoint is a request of a move to fault, in a named phase.
type faultPoint struct {
	phase, side string
	match       func(*http.Request) bool
}

// nthMatch accepts the n-th request that method and path test accept.
func nthMatch(n int, method string, path func(string) bool) func(*http.Request) bool {
	var seen atomic.Int64
	return func(r *http.Request) bool {
		return r.Method == method && path(r.URL.Path) && seen.Add(1) == int64(n)
	}
}

func isLease(p string) bool  { return strings.Contains(p, "/leases") }
func notLease(p string) bool { return !isLease(p) }
func isCluster3(p string) bool {
	return strings.HasSuffix(p, "/namespaces/eksa-system/clusters/cluster3")
}

// afterFirst accepts the first request after the first one first accepts.
func afterFirst(first func(*http.Request) bool) func(*http.Request) bool {
	var armed, done atomic.Bool
	return func(r *http.Request) bool {
		if armed.Load() && done.CompareAndSwap(false, true) {
			return true
		}
		if first(r) {
			armed.Store(true)
		}
		return false
	}
}

// TestMove_CutOffAppliedAndOutage is the cut-off sweep's other half: a
// request the server applied whose answer was lost (the proxy forwards it,
// then breaks the connection), and a short outage that recovers. One point
// in every phase, on the side that phase writes to; each records the
// request it faulted, which must be the one the point names. Each move is
// rerun without the fault and must end as an uncut move does, compared
// object by object with the graph read before the first move.
func TestMove_CutOffAppliedAndOutage(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta1})
	boot, mgmt := connect(t, w)
	stranded := graph(t, boot)
	var original []*unstructured.Unstructured
	for _, k := range stranded.Keys() {
		original = append(original, stranded.Objects[k])
	}
	_, wantState := measure(t, w, boot, mgmt)
	// The matchers count requests: a fresh list per faulted move.
	points := func() []faultPoint {
		return []faultPoint{
			{"lock", "management", nthMatch(1, http.MethodPost, isLease)},
			// The backup is written to disk between the lock and the pause: the
			// first request after the lock's is the one a cut during it meets.
			{"backup (next request after the lock)", "management", afterFirst(nthMatch(1, http.MethodPost, isLease))},
			{"pause", "bootstrap", nthMatch(1, http.MethodPatch, isCluster3)},
			{"create, first", "management", nthMatch(1, http.MethodPost, notLease)},
			{"create, 10th", "management", nthMatch(10, http.MethodPost, notLease)},
			{"delete, first", "bootstrap", nthMatch(1, http.MethodDelete, notLease)},
			{"delete, 10th", "bootstrap", nthMatch(10, http.MethodDelete, notLease)},
			{"unpause", "management", nthMatch(1, http.MethodPatch, isCluster3)},
			{"release", "management", nthMatch(1, http.MethodDelete, isLease)},
		}
	}
	modes := []struct {
		name, faulted string // faulted: how the proxy records the request
		apply         func(*testworld.FaultProxy, func(*http.Request) bool)
	}{
		{"applied, answer lost", "(applied, answer lost)", func(p *testworld.FaultProxy, m func(*http.Request) bool) { p.LoseAnswerWhen(m) }},
		{"outage of 3 requests", "(outage)", func(p *testworld.FaultProxy, m func(*http.Request) bool) { p.OutageWhen(m, 3) }},
	}
	var record []string
	for _, mode := range modes {
		for i := range points() {
			pt := points()[i]
			faulted, failed := faultAndRerun(t, w, boot, mgmt, pt, mode.apply)
			where := fmt.Sprintf("%s at %s on the %s cluster", mode.name, pt.phase, pt.side)
			if len(faulted) == 0 {
				t.Fatalf("%s: the proxy faulted no request; the point was not tested", where)
			}
			// Parallel creates and deletes race to the proxy: the point's
			// request is the one faulted as the mode says.
			var hit string
			for _, f := range faulted {
				if strings.HasSuffix(f, mode.faulted) && hit == "" {
					hit = f
				}
			}
			if hit == "" {
				t.Fatalf("%s: no request was faulted %s (faulted: %q)", where, mode.faulted, faulted)
			}
			checkConverged(t, w, boot, mgmt, original, wantState)
			if t.Failed() {
				t.Fatalf("after %s (faulted %v) and a rerun", where, faulted)
			}
			outcome := "ran through"
			if failed {
				outcome = "failed"
			}
			record = append(record, fmt.Sprintf("%s: %s -> %s", where, hit, outcome))
		}
	}
	t.Logf("fault points:\n  %s", strings.Join(record, "\n  "))
}

// faultAndRerun resets the world to stranded, moves with the fault applied
// on the point's side, then moves again without it. It returns the
// requests the proxy faulted and whether the faulted move failed.
func faultAndRerun(t *testing.T, w *testworld.World, boot, mgmt *writable.Cluster, pt faultPoint, apply func(*testworld.FaultProxy, func(*http.Request) bool)) ([]string, bool) {
	t.Helper()
	if err := w.Reset(t.Context(), testworld.Stranded); err != nil {
		t.Fatal(err)
	}
	from, to := boot, mgmt
	p := newProxy(t, w.Management.Config)
	if pt.side == "bootstrap" {
		p = newProxy(t, w.Bootstrap.Config)
		from = through(t, boot, p)
	} else {
		to = through(t, mgmt, p)
	}
	apply(p, pt.match)
	var faultLog bytes.Buffer
	_, faultErr := mover.Move(t.Context(), mover.Options{
		From: from, To: to, ClusterName: "cluster3", BackupDir: filepath.Join(t.TempDir(), "faulted"),
		ToolVersion: "test", Pace: mover.Pace{Progress: &faultLog},
	})
	p.Close()
	orphanLease(t, mgmt)
	var rerunLog bytes.Buffer
	if _, err := mover.Move(t.Context(), mover.Options{
		From: boot, To: mgmt, ClusterName: "cluster3", BackupDir: filepath.Join(t.TempDir(), "rerun"),
		ToolVersion: "test", Pace: mover.Pace{Progress: &rerunLog},
	}); err != nil {
		t.Errorf("rerun after a fault at %s on the %s cluster (%v) = %v\nfaulted move: %v\n%s\nrerun:\n%s",
			pt.phase, pt.side, p.Faults(), err, faultErr, faultLog.String(), rerunLog.String())
	}
	return p.Faults(), faultErr != nil
}
