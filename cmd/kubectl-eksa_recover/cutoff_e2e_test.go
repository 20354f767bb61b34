package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// killPoint is when to SIGKILL a running move: delay after stderr shows a
// line starting with line, or, with hold, while the proxy in front of
// side holds the request hold matches (the kill lands inside that phase
// however fast the machine is).
type killPoint struct {
	name  string
	line  string
	delay time.Duration
	side  string // "management" or "bootstrap"
	hold  func(*http.Request) bool
	// afterLock: the move holds its Lease by then, so the rerun must say
	// it took the dead move's lock over.
	afterLock bool
	// landed: where the kill must find the move (see landing), "|" between
	// the acceptable answers.
	landed string
}

// TestMove_Killed: a move killed with SIGKILL at any point is finished by a
// plain rerun: the dead process's Lease is taken over, verify passes and
// status finds nothing left in KinD. 30 workers (153 objects) make the
// phases long enough for the kills to land inside them. Where each kill
// landed is read from the clusters right after it, and the end state is
// compared, object by object, with the graph read from KinD before the
// first move: an object deleted from KinD and never created on management
// is in no backup the rerun could verify against, but it is in that graph.
func TestMove_Killed(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2, Workers: 30})
	original := graphOn(t, w.Bootstrap)
	n := original.Len()
	// The graph every kill is compared with, read by the mover's own code,
	// must hold every object the world built: a read that missed a kind
	// would miss it in the original and after the rerun alike.
	if want := len(w.Cluster3().Objects); n != want {
		t.Fatalf("KinD holds %d of cluster3's objects as the mover reads them, the world built %d", n, want)
	}
	points := []killPoint{
		// The lock is taken before the backup: a move refused for another
		// one's leaves nothing behind.
		{name: "writing the backup", line: "Backing up", afterLock: true, landed: "before creating"},
		{name: "creating, at once", line: "Creating objects in the target cluster", afterLock: true, landed: "creating|before creating"},
		{name: "creating, at the 10th create", side: "management", hold: nth(10, http.MethodPost, "/leases", "/selfsubject"), afterLock: true, landed: "creating"},
		{name: "deleting, at once", line: "Deleting objects from the source cluster", afterLock: true, landed: "deleting|created all"},
		{name: "deleting, at the 10th delete", side: "bootstrap", hold: nth(10, http.MethodDelete, "/leases"), afterLock: true, landed: "deleting"},
	}
	for i, p := range points {
		if i > 0 {
			if err := w.Reset(t.Context(), testworld.Stranded); err != nil {
				t.Fatal(err)
			}
		}
		last := killMove(t, w, p)
		inKinD, onMgmt := graphOn(t, w.Bootstrap).Len(), graphOn(t, w.Management).Len()
		landed := landing(n, inKinD, onMgmt)
		t.Logf("killed %s: landed %s (%d of %d objects in KinD, %d on management); its last line: %q", p.name, landed, inKinD, n, onMgmt, last)
		if !slices.Contains(strings.Split(p.landed, "|"), landed) {
			t.Errorf("the kill %s landed %s (%d of %d in KinD, %d on management), want %s: that point was not tested", p.name, landed, inKinD, n, onMgmt, p.landed)
		}
		rerun := run(t, w.Dir, "move", "--yes")
		if rerun.code != 0 || !strings.Contains(rerun.stdout, "Verified") {
			t.Fatalf("rerun after the kill %s = exit %d\nstdout: %s\nstderr: %s", p.name, rerun.code, rerun.stdout, rerun.stderr)
		}
		if took := strings.Contains(rerun.stderr, "Taking over the move lock from "); took != p.afterLock {
			t.Errorf("rerun after the kill %s: took over the lock = %v, want %v\n%s", p.name, took, p.afterLock, rerun.stderr)
		}
		if v := run(t, w.Dir, "verify"); v.code != 0 {
			t.Errorf("verify after the kill %s and a rerun = exit %d\n%s%s", p.name, v.code, v.stdout, v.stderr)
		}
		checkAgainstOriginal(t, w, original, "after the kill "+p.name+" and a rerun")
		checkNothingInKinD(t, w, p.name)
		testworld.CheckOwners(t, w.Management, 20)
	}
}

// landing names where a move was when it died, from what the clusters
// held: n objects at the start, all in KinD.
func landing(n, inKinD, onMgmt int) string {
	switch {
	case inKinD == n && onMgmt == 0:
		return "before creating"
	case inKinD == n && onMgmt < n:
		return "creating"
	case inKinD == n && onMgmt == n:
		return "created all"
	case inKinD > 0 && onMgmt == n:
		return "deleting"
	case inKinD == 0 && onMgmt == n:
		return "deleted all"
	}
	return fmt.Sprintf("nowhere a move goes (%d in KinD, %d on management)", inKinD, onMgmt)
}

// graphOn reads cluster3's graph on s.
func graphOn(t *testing.T, s *testworld.Server) *mover.Graph {
	t.Helper()
	c, err := writable.Connect(t.Context(), s.Name, s.Config)
	if err != nil {
		t.Fatal(err)
	}
	g, err := mover.Read(t.Context(), c, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// checkAgainstOriginal: KinD holds none of cluster3's objects, management
// holds exactly the original graph's, each equal to the original (spec,
// labels, annotations, owners), and no Cluster is left paused.
func checkAgainstOriginal(t *testing.T, w *testworld.World, original *mover.Graph, when string) {
	t.Helper()
	boot, mgmt := w.ConnectForTest(t)
	var objs []*unstructured.Unstructured
	for _, k := range original.Keys() {
		objs = append(objs, original.Objects[k])
	}
	v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", objs)
	if err != nil || !v.OK() || v.Checked != len(objs) {
		t.Errorf("%s: Verify(the graph before the first move) = %+v, %v; want all %d there and equal", when, v, err, len(objs))
	}
	onMgmt := graphOn(t, w.Management)
	for _, k := range onMgmt.Keys() {
		if original.Objects[k] == nil {
			t.Errorf("%s: management holds %s, which the original graph has not", when, k)
		}
	}
	for _, c := range onMgmt.Clusters() {
		if p, _, _ := unstructured.NestedBool(c.Object, "spec", "paused"); p {
			t.Errorf("%s: Cluster %s is still paused on management", when, c.GetName())
		}
	}
}

// nth matches the n-th request of method whose path contains none of
// except (the lock's Lease; the access reviews the rights check sends as
// POSTs before any write), and every later one.
func nth(n int, method string, except ...string) func(*http.Request) bool {
	var seen atomic.Int64
	return func(r *http.Request) bool {
		for _, e := range except {
			if strings.Contains(r.URL.Path, e) {
				return false
			}
		}
		return r.Method == method && seen.Add(1) >= int64(n)
	}
}

// killMove starts `move --yes`, both clusters reached through fault
// proxies, and kills it with SIGKILL p.delay after its stderr shows
// p.line, or once the proxy holds p.hold's request. It fails the test if
// the move ended before the kill: that point was not tested. It returns
// the last line seen.
func killMove(t *testing.T, w *testworld.World, p killPoint) string {
	t.Helper()
	args := []string{"move", "--yes"}
	var (
		held      <-chan struct{}
		heldProxy *testworld.FaultProxy
	)
	for _, s := range []*testworld.Server{w.Management, w.Bootstrap} {
		proxy, err := testworld.NewFaultProxy(s.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer proxy.Close()
		data, err := proxy.Kubeconfig(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), s.Name+".kubeconfig")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		flag := map[string]string{"management": "--kubeconfig", "bootstrap": "--bootstrap-kubeconfig"}[s.Name]
		args = append(args, flag, file)
		if p.hold != nil && p.side == s.Name {
			held, heldProxy = proxy.HoldWhen(p.hold), proxy
		}
	}
	armed := false
	stdout, seen, err := watchMove(t, w.Dir, args, func(cmd *exec.Cmd, line string) {
		switch {
		case armed:
		case held != nil:
			armed = true
			go func() {
				<-held
				// The writes before the held one land before the kill.
				if !heldProxy.WaitAnswered(time.Minute) {
					t.Errorf("the kill %s: the server did not answer the requests before the held one within a minute", p.name)
				}
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}()
		case strings.HasPrefix(line, p.line):
			armed = true
			time.AfterFunc(p.delay, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		}
	})
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("move was not killed %s (%v): it ended first\nstdout: %s\nstderr: %s", p.name, err, stdout, strings.Join(seen, "\n"))
	}
	return seen[len(seen)-1]
}

// watchMove runs the plugin in dir as run does, calling onLine with each
// stderr line as it comes, and returns stdout, the stderr lines and Wait's
// error.
func watchMove(t *testing.T, dir string, args []string, onLine func(*exec.Cmd, string)) (string, []string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Read stderr to its end before Wait, which closes the pipe.
	var seen []string
	for lines := bufio.NewScanner(stderr); lines.Scan(); {
		seen = append(seen, lines.Text())
		onLine(cmd, lines.Text())
	}
	return out.String(), seen, cmd.Wait()
}

// TestMove_CutOffThroughBinary: the binary's move, its connection to
// management broken ten requests into the creates, exits 1 naming the
// backup and the rerun; the rerun takes the lock over and finishes.
func TestMove_CutOffThroughBinary(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	p, kubeconfig := proxiedManagement(t, w)
	_, seen, err := watchMove(t, w.Dir, []string{"move", "--yes", "--kubeconfig", kubeconfig}, func(_ *exec.Cmd, line string) {
		if strings.HasPrefix(line, "Creating objects in the target cluster") {
			p.CutAfter(10)
		}
	})
	// The error names each object that failed, one per line (errors.Join),
	// and ends with the backup and the rerun.
	stderr := strings.Join(seen, "\n")
	if code := exitCode(err); code != 1 || !p.Cut() || !strings.Contains(stderr, "\nerror: creating group ") || !strings.HasSuffix(stderr, "; rerun move to finish)") {
		t.Fatalf("cut-off move = exit %d (cut %v); want exit 1, the failed group, the backup and the rerun named\n%s", code, p.Cut(), stderr)
	}
	res := run(t, w.Dir, "move", "--yes")
	if res.code != 0 || !strings.Contains(res.stderr, "Taking over the move lock from ") || !strings.Contains(res.stdout, "Verified") {
		t.Fatalf("rerun = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	checkNothingInKinD(t, w, "through the binary")
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// checkNothingInKinD: status lists no object of the cluster in KinD and
// gives the state an uncut move leads to.
func checkNothingInKinD(t *testing.T, w *testworld.World, point string) {
	t.Helper()
	res := run(t, w.Dir, "status", "-o", "json")
	var got struct {
		State   string `json:"state"`
		Objects struct {
			Management []string `json:"management"`
			Bootstrap  []string `json:"bootstrap"`
		} `json:"objects"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json after the kill %s: %v\n%s", point, err, res.stderr)
	}
	if len(got.Objects.Bootstrap) != 0 || len(got.Objects.Management) == 0 || got.State != "UpgradeIncomplete" {
		t.Errorf("status after the kill %s and a rerun = %s, %d objects in KinD, %d on management; want UpgradeIncomplete with none in KinD",
			point, got.State, len(got.Objects.Bootstrap), len(got.Objects.Management))
	}
}

// TestMove_FinishesCutOffUnpause: a real move killed after it emptied KinD
// but before it unpaused management (held by the proxy at the unpause's
// PATCH) leaves nothing to move, the Cluster paused on management and the
// move's own Lease behind. A rerun must finish it (unpause, under the dead
// move's lock) rather than say there is nothing to do.
func TestMove_FinishesCutOffUnpause(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	original := graphOn(t, w.Bootstrap)
	p, kubeconfig := proxiedManagement(t, w)
	// The only write to a Cluster on management is the unpause.
	unpause := p.HoldWhen(func(r *http.Request) bool {
		return r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/namespaces/eksa-system/clusters/cluster3")
	})
	var once sync.Once
	_, seen, err := watchMove(t, w.Dir, []string{"move", "--yes", "--kubeconfig", kubeconfig}, func(cmd *exec.Cmd, _ string) {
		once.Do(func() {
			go func() {
				<-unpause
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}()
		})
	})
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("move was not killed at its unpause (%v)\nstderr: %s", err, strings.Join(seen, "\n"))
	}
	p.Close()

	// What the kill left: KinD empty, everything on management, the
	// Cluster paused there, and the move's own Lease.
	dyn := dynamicFor(t, w)
	clusters := dyn.Resource(schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta1", Resource: "clusters"}).Namespace("eksa-system")
	if inKinD, onMgmt := graphOn(t, w.Bootstrap).Len(), graphOn(t, w.Management).Len(); inKinD != 0 || onMgmt != original.Len() || !paused(t, clusters) {
		t.Fatalf("the kill at the unpause left %d objects in KinD, %d on management, paused %v; want 0, %d, paused", inKinD, onMgmt, paused(t, clusters), original.Len())
	}
	lease, err := dyn.Resource(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}).
		Namespace("eksa-system").Get(t.Context(), "eksa-recover-move-cluster3", metav1.GetOptions{})
	if err != nil || lease.GetAnnotations()[mover.AnnotationOperation] != mover.OperationMove {
		t.Fatalf("the killed move left no Lease marked %s=%s: %v %v", mover.AnnotationOperation, mover.OperationMove, err, lease)
	}

	dry := run(t, w.Dir, "move", "--dry-run")
	if dry.code != 0 || !strings.Contains(dry.stderr, "Cluster cluster3 paused") || !paused(t, clusters) {
		t.Errorf("move --dry-run = exit %d, %q, paused %v; want the unpause planned and nothing done", dry.code, dry.stderr, paused(t, clusters))
	}
	res := run(t, w.Dir, "move", "--yes")
	if res.code != 0 || !strings.Contains(res.stdout, "Verified") || !strings.Contains(res.stderr, "Taking over the move lock from ") {
		t.Fatalf("rerun = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if paused(t, clusters) {
		t.Errorf("Cluster cluster3 is still paused on management after the rerun")
	}
	checkAgainstOriginal(t, w, original, "after the kill at the unpause and a rerun")
	checkNothingInKinD(t, w, "after the deletes")
}

func paused(t *testing.T, clusters dynamic.ResourceInterface) bool {
	t.Helper()
	c, err := clusters.Get(t.Context(), "cluster3", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := unstructured.NestedBool(c.Object, "spec", "paused")
	return p
}

// proxiedManagement puts a fault proxy in front of the world's management
// cluster and writes a kubeconfig that goes through it; the proxy closes
// with the test.
func proxiedManagement(t *testing.T, w *testworld.World) (*testworld.FaultProxy, string) {
	t.Helper()
	p, err := testworld.NewFaultProxy(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	kubeconfig := filepath.Join(t.TempDir(), "through-proxy.kubeconfig")
	data, err := p.Kubeconfig("management")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, kubeconfig
}
