package mover_test

import (
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// Where to cut a move off: the requests a full move makes on each side,
// counted through the fault proxy, and the phase each request belongs to.

const (
	cutPointsBefore = 4  // cut points among the reads, backup, lock and pause
	cutPointsAfter  = 18 // cut points spread over the create and delete phases
)

// phases are a side's request counts when the move entered each phase, and
// how many cut points to spread over them (zero: cutPointsBefore and
// cutPointsAfter).
type phases struct {
	create, delete, moved, total int
	before, after                int
}

func (p phases) name(n int) string {
	switch {
	case n < p.create:
		return "prepare"
	case n < p.delete:
		return "create"
	case n < p.moved:
		return "delete"
	case n < p.total:
		return "release"
	default:
		return "complete"
	}
}

// count is the number of cut points in the phase.
func (p phases) count(phase string) int {
	n := 0
	for _, c := range p.points() {
		if p.name(c) == phase {
			n++
		}
	}
	return n
}

// points spreads cut points over a side's requests: a few before the
// creates, the rest evenly from the first create to the end, so each phase
// gets points in proportion to the requests it makes on that side. The
// last point lets the whole move through.
func (p phases) points() []int {
	seen := map[int]bool{}
	var out []int
	add := func(n int) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	before, after := p.before, p.after
	if before == 0 {
		before, after = cutPointsBefore, cutPointsAfter
	}
	for i := range before {
		add(i * p.create / before)
	}
	for i := range after {
		add(p.create + i*(p.total-p.create)/(after-1))
	}
	return out
}

// measure runs an uncut move through counting proxies and returns each
// side's request counts at the phase changes, and the state status gives
// after it: every cut and rerun must end in that state. A young API server
// throttles a few requests, which client-go repeats; the move is measured
// again until no request was throttled.
func measure(t *testing.T, w *testworld.World, boot, mgmt *writable.Cluster) (map[string]phases, diagnose.State) {
	t.Helper()
	for try := 1; ; try++ {
		sides, throttled := measureOnce(t, boot, mgmt, w)
		if throttled == 0 {
			report := diagnosis(t, w)
			if len(report.Objects.Bootstrap) != 0 {
				t.Fatalf("after an uncut move status finds %v in KinD", report.Objects.Bootstrap)
			}
			return sides, report.State
		}
		if try == 5 {
			t.Fatalf("the API servers throttled %d requests in each of %d moves", throttled, try)
		}
		t.Logf("measuring again: the API servers throttled %d requests", throttled)
		if err := w.Reset(t.Context(), testworld.Stranded); err != nil {
			t.Fatal(err)
		}
	}
}

func measureOnce(t *testing.T, boot, mgmt *writable.Cluster, w *testworld.World) (map[string]phases, int) {
	t.Helper()
	bp, mp := newProxy(t, w.Bootstrap.Config), newProxy(t, w.Management.Config)
	marks := map[string]*phases{"bootstrap": {}, "management": {}}
	progress := lineFunc(func(line string) {
		for side, p := range map[string]*testworld.FaultProxy{"bootstrap": bp, "management": mp} {
			switch {
			case strings.HasPrefix(line, "Creating objects in the target cluster"):
				marks[side].create = p.Requests()
			case strings.HasPrefix(line, "Deleting objects from the source cluster"):
				marks[side].delete = p.Requests()
			case strings.HasPrefix(line, "Moved "):
				marks[side].moved = p.Requests()
			}
		}
	})
	_, err := mover.Move(t.Context(), mover.Options{
		From: through(t, boot, bp), To: through(t, mgmt, mp), ClusterName: "cluster3",
		BackupDir: filepath.Join(t.TempDir(), "measure"), ToolVersion: "test", Pace: mover.Pace{Progress: progress},
	})
	if err != nil {
		t.Fatalf("uncut Move() through the proxies = %v", err)
	}
	marks["bootstrap"].total, marks["management"].total = bp.Requests(), mp.Requests()
	out := map[string]phases{}
	for side, m := range marks {
		if m.create == 0 || m.delete < m.create || m.moved < m.delete || m.total < m.moved {
			t.Fatalf("%s phase marks %+v: the move's progress lines changed", side, *m)
		}
		out[side] = *m
	}
	return out, bp.Throttled() + mp.Throttled()
}

func newProxy(t *testing.T, cfg *rest.Config) *testworld.FaultProxy {
	t.Helper()
	p, err := testworld.NewFaultProxy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// through is c reached through the proxy. The kinds are c's: discovery is
// not what is being cut.
func through(t *testing.T, c *writable.Cluster, p *testworld.FaultProxy) *writable.Cluster {
	t.Helper()
	cfg := rest.CopyConfig(p.Config)
	cfg.QPS, cfg.Burst = 500, 1000 // as writable.Connect sets them
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Everything Connect discovered (kinds, their move labels, the provider
	// inventory), with every request going through the proxy.
	through := *c
	through.Dyn = dyn
	return &through
}

// lineFunc calls f with each line written, in order.
type lineFunc func(string)

func (f lineFunc) Write(b []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f(l)
	}
	return len(b), nil
}
