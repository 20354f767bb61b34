package testworld

import "testing"

// TestWorld_ResetVMsInStep: machine-vm-deleted's VM is gone however Reset
// reached it, and back however Reset left it; a reseed once kept neither.
func TestWorld_ResetVMsInStep(t *testing.T) {
	w := StartForTest(t, Options{Scenario: Stranded})
	ctx := t.Context()
	vms := func(name string) int {
		c, finder, _, err := w.VCSim.login(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = c.Logout(ctx) }()
		all, err := finder.VirtualMachineList(ctx, "*")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, vm := range all {
			if vm.Name() == name {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		to   Scenario
		path resetPath // the path the step is there for
		want int
	}{
		{MachineVMDeleted, pathReseed, 0},
		{RolloutStuck, pathInPlace, 1},
		{MachineVMDeleted, pathInPlace, 0},
		{Stranded, pathReseed, 1},
	} {
		to := w.asked
		to.Scenario = step.to
		if err := to.defaults(); err != nil {
			t.Fatal(err)
		}
		if path, err := pickReset(w.Options, to, true, true); path != step.path {
			t.Fatalf("%s -> %s takes %q (%v), want %s", w.Scenario, step.to, path, err, step.path)
		}
		if err := w.Reset(ctx, step.to); err != nil {
			t.Fatal(err)
		}
		worker := w.Cluster3().Machines[len(w.Cluster3().Machines)-1].Name
		if got := vms(worker); got != step.want {
			t.Errorf("after Reset(%s) by %s: %d VMs named %s, want %d", step.to, step.path, got, worker, step.want)
		}
	}
}
