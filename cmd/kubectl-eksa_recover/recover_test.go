package main_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestRecover_Scenarios runs recover --yes on each world a failed run
// leaves: the step status recommends runs (and only it), verified, and
// status afterwards is one the scenario allows; where recover cannot act,
// nothing changes (every object's resourceVersion on both clusters equal).
func TestRecover_Scenarios(t *testing.T) {
	tests := []recoverCase{
		{scenario: testworld.Stranded, steps: []string{"Verified: the bootstrap cluster holds none", "Done: [move]", "Next: eksctl anywhere upgrade cluster"},
			after: []string{"UpgradeIncomplete", "Healthy"}},
		{scenario: testworld.Split, steps: []string{"Verified: the bootstrap cluster holds none", "Done: [move]"},
			after: []string{"UpgradeIncomplete", "Healthy"}},
		{scenario: testworld.Missing, steps: []string{"Verified: the management cluster holds all", "Done: [restore"},
			after: []string{"UpgradeIncomplete", "Healthy"}},
		{scenario: testworld.PausedInPlace, steps: []string{"Resumed ", "Done: [resume]"},
			after: []string{"UpgradeIncomplete", "Healthy"}},
		{scenario: testworld.ValidationFailed, steps: []string{"Cluster cluster3: ValidationFailed"}, never: []string{"Done:"},
			after: []string{"ValidationFailed"}, unchanged: true},
		{scenario: testworld.ManagementDown, code: 2, steps: []string{"Cluster cluster3: ManagementUnreachable", "Nothing was changed"},
			never: []string{"Done:", "Planning move"}, after: []string{"ManagementUnreachable"}, unchanged: true},
		{scenario: testworld.BootstrapDown, code: 2, steps: []string{"Cluster cluster3: BootstrapUnreachable", "Nothing was changed"},
			never: []string{"Done:", "Planning move"}, after: []string{"BootstrapUnreachable"}, unchanged: true},
	}
	// One world goes through every scenario that keeps both servers up,
	// reseeded in a few seconds between them; each scenario that stops a
	// server gets its own world, side by side with the first.
	t.Run("reseeded", func(t *testing.T) {
		t.Parallel()
		shared := startWorld(t, testworld.Options{Scenario: tests[0].scenario})
		for i, tt := range tests {
			if tt.scenario == testworld.ManagementDown || tt.scenario == testworld.BootstrapDown {
				continue
			}
			t.Run(string(tt.scenario), func(t *testing.T) {
				if i > 0 {
					if err := shared.Reset(t.Context(), tt.scenario); err != nil {
						t.Fatal(err)
					}
				}
				checkRecover(t, shared, tt)
			})
		}
	})
	for _, tt := range tests {
		if tt.scenario != testworld.ManagementDown && tt.scenario != testworld.BootstrapDown {
			continue
		}
		t.Run(string(tt.scenario), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: tt.scenario})
			checkRecover(t, w, tt)
		})
	}
}

type recoverCase struct {
	scenario  testworld.Scenario
	code      int
	steps     []string // on stdout, in order
	never     []string // never on stdout or stderr
	after     []string // status's state afterwards: one of
	unchanged bool
}

// checkRecover runs recover --yes on the world and checks what it printed,
// in order, what it must never print, and status's state afterwards.
func checkRecover(t *testing.T, w *testworld.World, tt recoverCase) {
	t.Helper()
	before := w.StateForTest(t)
	acts := !tt.unchanged && tt.code == 0 && tt.scenario != testworld.PausedInPlace
	var objects beforeObjects
	if acts {
		objects = objectsBefore(t, w)
	}
	if tt.scenario == testworld.Stranded {
		checkRecoverAsksFirst(t, w, before)
		killRecoverHalfWay(t, w)
	}
	res := run(t, w.Dir, "recover", "--yes")
	if res.code != tt.code {
		t.Fatalf("recover --yes = exit %d, want %d\nstdout: %s\nstderr: %s", res.code, tt.code, res.stdout, tail(res.stderr, 3000))
	}
	rest := res.stdout
	for _, s := range tt.steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("recover printed no %q (in order)\nstdout: %s\nstderr: %s", s, res.stdout, tail(res.stderr, 3000))
		}
		rest = rest[i+len(s):]
	}
	for _, n := range tt.never {
		if strings.Contains(res.stdout+res.stderr, n) {
			t.Errorf("recover printed %q in %s", n, tt.scenario)
		}
	}
	if tt.unchanged {
		testworld.CheckUnchanged(t, "recover", before, w.StateForTest(t))
	}
	if acts {
		checkRecovered(t, w, objects)
	}
	var got statusJSON
	st := run(t, w.Dir, "status", "-o", "json")
	if err := json.Unmarshal([]byte(st.stdout), &got); err != nil {
		t.Fatalf("status -o json after recover: %v\n%s", err, st.stderr)
	}
	ok := false
	for _, a := range tt.after {
		ok = ok || got.State == a
	}
	if !ok {
		t.Errorf("status after recover = %s, want one of %v", got.State, tt.after)
	}
}

// checkRecoverAsksFirst: --dry-run prints the whole plan (each step, the
// backup folder) and changes nothing; without a terminal and without --yes
// recover refuses in one line, changing nothing.
func checkRecoverAsksFirst(t *testing.T, w *testworld.World, before testworld.State) {
	t.Helper()
	dry := run(t, w.Dir, "recover", "--dry-run")
	for _, want := range []string{"Plan for cluster3 (StrandedInBootstrap):", "1. move: back up the cluster's objects to " + w.Layout.Dir() + "/eksa-recover-backup-", "create the 32 objects on the management cluster", "2. verify:", "3. then read both clusters again", "Dry run: nothing was changed"} {
		if !strings.Contains(dry.stderr, want) {
			t.Errorf("recover --dry-run printed no %q\nstderr: %s", want, dry.stderr)
		}
	}
	if dry.code != 0 {
		t.Errorf("recover --dry-run = exit %d, want 0", dry.code)
	}
	noTTY := run(t, w.Dir, "recover")
	if noTTY.code != 1 || !strings.Contains(noTTY.stderr, "--yes") {
		t.Errorf("recover without a terminal or --yes = exit %d, stderr %q; want 1 naming --yes", noTTY.code, tail(noTTY.stderr, 500))
	}
	testworld.CheckUnchanged(t, "recover --dry-run and a refused recover", before, w.StateForTest(t))
}

// killRecoverHalfWay kills recover (SIGKILL) as the move starts creating
// on management (its backup taken, KinD paused, the lock held): the rerun
// that follows in the test must pick up from the state it finds, take the
// lock over and converge.
func killRecoverHalfWay(t *testing.T, w *testworld.World) {
	t.Helper()
	killed := false
	_, seen, err := watchMove(t, w.Dir, []string{"recover", "--yes"}, func(cmd *exec.Cmd, line string) {
		if !killed && strings.HasPrefix(line, "Creating objects in the target cluster") {
			killed = cmd.Process.Kill() == nil
		}
	})
	if !killed || err == nil {
		t.Fatalf("recover was not killed half way (killed %v, err %v)\n%s", killed, err, strings.Join(seen, "\n"))
	}
}
