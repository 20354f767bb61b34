package main_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestStatusWatch starts on a healthy world with one Machine Provisioning
// (UpgradeIncomplete), through a proxy that counts the management
// cluster's requests. A watch stopped with SIGINT exits 2 and printed one
// JSON report per line; a second watch stays flat while nothing changes,
// then, when the test makes the Machine Running, prints the change and
// exits 0 in bounded time.
func TestStatusWatch(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	proxy, kubeconfig := proxiedManagement(t, w)
	machine := setMachinePhase(t, w, "", "Provisioning")

	// -o json, stopped by SIGINT in UpgradeIncomplete: exit 2.
	j := startWatch(t, w.Dir, "status", "--watch", "-o", "json", "--kubeconfig", kubeconfig)
	j.waitFor(t, `"state":"UpgradeIncomplete"`, 60*time.Second)
	if err := j.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := j.wait(t, 15*time.Second); code != 2 {
		t.Errorf("status --watch stopped by SIGINT = exit %d, want 2; stderr: %s", code, j.stderr())
	}
	for _, line := range strings.Split(strings.TrimSpace(j.stdout()), "\n") {
		var r struct{ State string }
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.State == "" {
			t.Errorf("status --watch -o json printed a line that is not a report (%v): %.200s", err, line)
		}
	}

	// Text: idle is flat, then the change is printed and it exits 0.
	h := startWatch(t, w.Dir, "status", "-w", "--kubeconfig", kubeconfig)
	h.waitFor(t, "Cluster cluster3: UpgradeIncomplete", 60*time.Second)
	settled := settledCount(t, proxy)
	time.Sleep(4 * time.Second)
	if idle := proxy.Requests() - settled; idle > 0 {
		t.Errorf("status --watch made %d requests in 4 s while nothing changed, want none", idle)
	}
	setMachinePhase(t, w, machine, "Running")
	start := time.Now()
	if code := h.wait(t, 30*time.Second); code != 0 {
		t.Errorf("status --watch after the Machine became Running = exit %d, want 0; stdout: %s\nstderr: %s", code, h.stdout(), h.stderr())
	}
	t.Logf("Healthy seen and exited %v after the change", time.Since(start).Round(time.Millisecond))
	for _, want := range []string{"machine " + machine + ": Provisioning -> Running", "state: UpgradeIncomplete -> Healthy", "Cluster cluster3: Healthy"} {
		if !strings.Contains(h.stdout(), want) {
			t.Errorf("status --watch printed no %q:\n%s", want, h.stdout())
		}
	}
}

// settledCount waits until the proxy's count stops moving (the first
// read, discovery and the watches' lists are done) and returns it.
func settledCount(t *testing.T, p *testworld.FaultProxy) int {
	t.Helper()
	last := p.Requests()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		if n := p.Requests(); n == last {
			return n
		} else {
			last = n
		}
	}
	t.Fatalf("the request count never settled (%d)", last)
	return 0
}

// setMachinePhase sets status.phase of the named Machine on management
// (the first one when name is empty) and returns its name.
func setMachinePhase(t *testing.T, w *testworld.World, name, phase string) string {
	t.Helper()
	machines := dynamicForServer(t, w.Management).Resource(schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "machines"}).Namespace(eksa.Namespace)
	var m *unstructured.Unstructured
	if name == "" {
		list, err := machines.List(t.Context(), metav1.ListOptions{})
		if err != nil || len(list.Items) == 0 {
			t.Fatalf("listing Machines: %v (%d)", err, len(list.Items))
		}
		m = &list.Items[0]
	} else {
		var err error
		if m, err = machines.Get(t.Context(), name, metav1.GetOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := unstructured.SetNestedField(m.Object, phase, "status", "phase"); err != nil {
		t.Fatal(err)
	}
	if _, err := machines.UpdateStatus(t.Context(), m, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("setting Machine %s Provisioning: %v", m.GetName(), err)
	}
	return m.GetName()
}

// watcher is the binary running in the background, its output collected.
type watcher struct {
	cmd      *exec.Cmd
	mu       sync.Mutex
	out, err strings.Builder
	done     chan struct{}
}

func startWatch(t *testing.T, dir string, args ...string) *watcher {
	t.Helper()
	w := &watcher{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	w.cmd.Dir = dir
	w.cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.cmd.Process.Kill() })
	var copies sync.WaitGroup
	for _, s := range []struct {
		r   *bufio.Reader
		dst *strings.Builder
	}{{bufio.NewReader(stdout), &w.out}, {bufio.NewReader(stderr), &w.err}} {
		copies.Go(func() {
			for {
				line, err := s.r.ReadString('\n')
				w.mu.Lock()
				s.dst.WriteString(line)
				w.mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	go func() { copies.Wait(); close(w.done) }()
	return w
}

func (w *watcher) stdout() string { w.mu.Lock(); defer w.mu.Unlock(); return w.out.String() }
func (w *watcher) stderr() string { w.mu.Lock(); defer w.mu.Unlock(); return w.err.String() }

func (w *watcher) waitFor(t *testing.T, text string, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if strings.Contains(w.stdout(), text) {
			return
		}
	}
	t.Fatalf("status --watch printed no %q in %v\nstdout: %s\nstderr: %s", text, limit, w.stdout(), w.stderr())
}

// wait returns the exit code, failing t when the process runs past limit.
func (w *watcher) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-w.done:
	case <-time.After(limit):
		t.Fatalf("still running after %v\nstdout: %s", limit, w.stdout())
	}
	err := w.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}
