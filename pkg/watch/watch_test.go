package watch

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

func TestChanges(t *testing.T) {
	m := func(name, phase, loc string) diagnose.MachineReport {
		return diagnose.MachineReport{Name: name, Phase: phase, Location: loc}
	}
	backup := func(age string) diagnose.Finding {
		return diagnose.Finding{Severity: diagnose.Info, Code: "BackupFound", Message: "backup b, " + age + " old, 32 objects"}
	}
	notRunning := diagnose.Finding{Severity: diagnose.Warning, Code: "MachineNotRunning", Object: "Machine/eksa-system/a", Message: "Machine a is Provisioning, not Running"}
	prev := &diagnose.Report{State: diagnose.UpgradeIncomplete,
		Machines: []diagnose.MachineReport{m("a", "Provisioning", "management"), m("b", "Running", "bootstrap"), m("c", "Running", "management")},
		Findings: []diagnose.Finding{notRunning, backup("10m")}}
	cur := &diagnose.Report{State: diagnose.Healthy,
		Machines: []diagnose.MachineReport{m("a", "Running", "management"), m("b", "Running", "management"), m("d", "", "management")},
		Findings: []diagnose.Finding{backup("11m")}}
	want := []string{
		"state: UpgradeIncomplete -> Healthy",
		"machine a: Provisioning -> Running",
		"machine b: moved bootstrap -> management",
		"machine d: new, no phase on management",
		"machine c: gone",
		"cleared: Machine a is Provisioning, not Running",
	}
	if got := Changes(prev, cur); !reflect.DeepEqual(got, want) {
		t.Errorf("Changes() =\n%q\nwant\n%q", got, want)
	}
	if got := Changes(cur, cur); len(got) != 0 {
		t.Errorf("Changes(r, r) = %q, want none", got)
	}
}

// TestLoop_CoalescesBursts: an event every millisecond for half a second
// is a handful of re-reads (at most one per MinInterval), not hundreds.
func TestLoop_CoalescesBursts(t *testing.T) {
	changed := make(chan struct{}, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			select {
			case changed <- struct{}{}:
			default:
			}
			time.Sleep(time.Millisecond)
		}
	}()
	p := Pacing{Settle: 20 * time.Millisecond, MinInterval: 100 * time.Millisecond, Fallback: time.Hour}
	reads := 0
	err := Loop(ctx, p, changed, func(context.Context) (int, error) { reads++; return reads, nil },
		func(int) (bool, error) { return false, nil })
	if err != context.DeadlineExceeded {
		t.Errorf("Loop() = %v, want the context's end", err)
	}
	if reads < 2 || reads > 7 {
		t.Errorf("reads = %d in 500ms of events with MinInterval 100ms, want 2 to 7", reads)
	}
}

// TestLoop_FallbackAndStop: with no event, reads come once per Fallback,
// and a cancelled context stops the loop with its error.
func TestLoop_FallbackAndStop(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	p := Pacing{Settle: time.Millisecond, MinInterval: time.Millisecond, Fallback: 30 * time.Millisecond}
	reads := 0
	err := Loop(ctx, p, make(chan struct{}), func(context.Context) (int, error) {
		reads++
		if reads == 3 {
			cancel()
		}
		return reads, nil
	}, func(int) (bool, error) { return false, nil })
	if err != context.Canceled || reads != 3 {
		t.Errorf("Loop() = %v after %d reads, want context.Canceled after 3", err, reads)
	}
}
