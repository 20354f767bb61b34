package main_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

const (
	watchBegin = "<!-- watch:begin"
	watchEnd   = "<!-- watch:end -->"
)

// TestREADME_Watch: the status --watch section's block (docs/commands.md)
// is a recorded run.
// On a healthy world with one worker Machine Provisioning, the block's command
// runs (stdout and stderr in one stream, as a terminal shows them) until
// its first report; once its watches are up (the management cluster's
// requests, counted by a proxy the workspace's kubeconfig points at, stop
// moving), the Machine goes Running, and the watch must print the change
// and exit 0. The output must match the block but for times, ages and
// ports.
func TestREADME_Watch(t *testing.T) {
	readme := readDoc(t, commandsDoc)
	blocks := consoleBlocks(t, commandsDoc, readme, watchBegin, watchEnd)
	if len(blocks) != 1 {
		t.Fatalf("the %s section %s has %d console blocks, want 1 (status --watch)", commandsDoc, watchBegin, len(blocks))
	}
	b := blocks[0]
	update := readmeUpdate(t)
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	proxy, kubeconfig := proxiedManagement(t, w)
	through, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	// The workspace's own kubeconfig, so the block's command line is the
	// reader's: status finds it as it finds eksctl's.
	if err := os.WriteFile(w.Layout.ManagementKubeconfig(), through, 0o600); err != nil {
		t.Fatal(err)
	}
	// A worker, as a rolling upgrade leaves the last one.
	machine := setMachinePhase(t, w, "cluster3-md-0-854976576-tw6hr", "Provisioning")

	cmd := exec.CommandContext(t.Context(), binary, b.args...)
	cmd.Dir = w.Dir
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(out.String(), "Cluster cluster3: UpgradeIncomplete"); {
		if time.Now().After(deadline) {
			t.Fatalf("`%s` printed no UpgradeIncomplete report in 60s:\n%s", b.prompt, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	settledCount(t, proxy)
	setMachinePhase(t, w, machine, "Running")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("`%s` after the Machine became Running: %v, want exit 0\n%s", b.prompt, err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("`%s` still running 30s after the Machine became Running:\n%s", b.prompt, out.String())
	}

	got := strings.ReplaceAll(out.String(), w.Dir, readmeWorkspace)
	if update {
		writeDoc(t, commandsDoc, strings.Replace(readme, b.text, b.prompt+"\n"+got, 1))
		t.Logf("rewrote the block of %s in %s", watchBegin, commandsDoc)
		return
	}
	if normalize(got) != normalize(b.output) {
		t.Errorf("%s drifted: `%s` now prints\n%s\n%s shows\n%s\n(rerun with %s=1 to update it)",
			commandsDoc, b.prompt, got, commandsDoc, b.output, envUpdateREADME)
	}
}
