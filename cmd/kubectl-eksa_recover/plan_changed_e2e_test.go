//go:build linux

package main_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// TestMove_PlanChangedBeforeConfirm: the plan a user says yes to is the
// plan that runs. move, on a terminal, prints its plan and asks; while the
// question waits, a Machine in KinD gets a new label. The answer "y" must
// not run a plan made on objects that are gone: move stops before its
// first write (not even its Lease), names the Machine, and asks for a
// rerun; every object in eksa-system on both clusters keeps its
// resourceVersion and no backup is written. The rerun then moves.
//
// A terminal is what makes the window deterministic: the binary blocks
// reading the answer, and the test changes KinD before it types it.
func TestMove_PlanChangedBeforeConfirm(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	master, tty := openPTY(t)
	dry := run(t, w.Dir, "move", "--dry-run")
	dryPlan, ok := strings.CutSuffix(dry.stderr, "Dry run: nothing was changed\n")
	if dry.code != 0 || !ok {
		t.Fatalf("move --dry-run = exit %d, %q", dry.code, dry.stderr)
	}

	cmd := exec.CommandContext(t.Context(), binary, "move")
	cmd.Dir = w.Dir
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	cmd.Stdin = tty
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, stderr, "[y/N] ", 2*time.Minute)
	// The plan shown before the question is the dry run's, line for line.
	asked := stderr.String()
	if shown := asked[:strings.LastIndex(asked, "\n")+1]; shown != dryPlan || !strings.Contains(shown, "  group 1: ") {
		t.Fatalf("move showed, before asking:\n%s\nwant the dry run's plan:\n%s", shown, dryPlan)
	}

	// While the question waits, the KinD side changes.
	boot := connectTo(t, w.Bootstrap)
	machine := relabelMachine(t, boot)
	before, backups := w.StateForTest(t), countMoveBackups(t, w)

	if _, err := io.WriteString(master, "y\n"); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	want := "Machine.cluster.x-k8s.io/" + machine + " changed on the bootstrap cluster"
	if code := exitCode(err); code != 1 || !strings.HasPrefix(last, "error: the clusters changed after the plan was made: ") ||
		!strings.Contains(last, want) || !strings.HasSuffix(last, "rerun move to see the new plan") {
		t.Errorf("move answered after KinD changed = exit %d, last line %q; want exit 1 and one line naming %q and the rerun\nstderr:\n%s",
			code, last, want, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("printed %q on stdout, want nothing", stdout.String())
	}
	testworld.CheckUnchanged(t, "move answered after the plan changed", before, w.StateForTest(t))
	if got := countMoveBackups(t, w); got != backups {
		t.Errorf("move wrote a backup after the plan changed (%d backups, were %d)", got, backups)
	}

	// The rerun plans afresh, with the new label, and moves.
	if res := run(t, w.Dir, "move", "--yes"); res.code != 0 || !strings.Contains(res.stdout, "Verified") {
		t.Errorf("rerun = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
}

func connectTo(t *testing.T, s *testworld.Server) *writable.Cluster {
	t.Helper()
	c, err := writable.Connect(t.Context(), s.Name, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// relabelMachine sets a label on the first of cluster3's Machines on c, as
// a user or a controller might, and returns its name.
func relabelMachine(t *testing.T, c *writable.Cluster) string {
	t.Helper()
	g, err := mover.Read(t.Context(), c, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
	gk := schema.GroupKind{Group: "cluster.x-k8s.io", Kind: "Machine"}
	for _, k := range g.Keys() {
		if k.Group != gk.Group || k.Kind != gk.Kind {
			continue
		}
		ri := c.Dyn.Resource(c.Resources[gk].GVR).Namespace(eksa.Namespace)
		patch := []byte(`{"metadata":{"labels":{"example.com/touched":"during-the-prompt"}}}`)
		if _, err := ri.Patch(t.Context(), k.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		return k.Name
	}
	t.Fatalf("no Machine of cluster3 on the %s cluster", c.Name)
	return ""
}

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the buffer holds want: a prompt has no newline, so
// it cannot be read line by line.
func waitFor(t *testing.T, b *syncBuffer, want string, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !strings.Contains(b.String(), want); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q after %s; stderr so far:\n%s", want, timeout, b.String())
		}
	}
}
