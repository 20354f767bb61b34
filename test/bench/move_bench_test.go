//go:build bench

package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld/clusterctlmove"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// Knobs:
//
//	EKSA_BENCH_MOVE_RUNS=3      measured moves per side and graph (default 3)
//	EKSA_BENCH_MOVE_GRAPHS=1,2  which graphs (default all: 1,2,3)
const (
	envMoveRuns   = "EKSA_BENCH_MOVE_RUNS"
	envMoveGraphs = "EKSA_BENCH_MOVE_GRAPHS"
)

// Goals for the plugin's move wall time.
const (
	goalMoveVsFloor      = 1.5  // <= 1.5x the floor
	goalMoveVsClusterctl = 0.15 // <= 0.15x clusterctl's Move
	goalRSSMB            = 200  // the binary's peak RSS at 5,000 objects
)

// The graphs, in the shape clusterctl's move accepts (v1beta2, stacked etcd,
// not paused): one cluster with 100 Machines, 20 clusters of 2 Machines
// moved as the whole namespace (the plugin's --all), and one cluster of
// 5,000 objects. On the largest, clusterctl (about 20 objects a second)
// runs once, without warm-up, and the binary's own move is run once more as
// a child process for its peak RSS.
var moveGraphs = []struct {
	name    string
	stacked testworld.StackedOptions
	large   bool
}{
	{"1 cluster, 100 Machines", testworld.StackedOptions{Clusters: 1, Workers: 99}, false},
	{"20 clusters, 40 Machines", testworld.StackedOptions{Clusters: 20, Workers: 1}, false},
	{"1 cluster, 1,000 Machines", testworld.StackedOptions{Clusters: 1, Workers: 974}, true},
}

type moveRow struct {
	graph                     string
	objects                   int
	plugin, clusterctl, floor time.Duration
	clusterctlRuns            int
	phases                    map[string]time.Duration // the plugin's, medians
	binary                    *childRun                // the binary's move, on the large graph
}

// TestBenchMove prints, for each graph, the wall time of the plugin's move
// (mover.Connect of both clusters, then mover.Move with its backup, lock and
// read-back), of clusterctl's library Move (client.New, then Move) and of
// the floor (floorMove: only the writes a move cannot avoid), on the same
// world: the graph moves from KinD to management and back, the sides taking
// turns so each moves in both directions. Between moves the status is put
// back, as the controllers would, so every move starts from the same state.
// Medians of the runs after one warm-up each.
func TestBenchMove(t *testing.T) {
	if os.Getenv(testworld.EnvAssets) == "" {
		t.Fatalf("%s is not set: run `make bench`", testworld.EnvAssets)
	}
	runs := intList(t, envMoveRuns, []int{3})[0]
	which := intList(t, envMoveGraphs, []int{1, 2, 3})
	cc, err := clusterctlmove.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var rows []moveRow
	for _, i := range which {
		if i < 1 || i > len(moveGraphs) {
			t.Fatalf("%s: graphs are 1 to %d", envMoveGraphs, len(moveGraphs))
		}
		g := moveGraphs[i-1]
		rows = append(rows, measureMove(t, cc, g.name, g.stacked, g.large, runs))
	}
	printMoveTable(rows, runs)
}

func measureMove(t *testing.T, cc *clusterctlmove.Mover, name string, o testworld.StackedOptions, large bool, runs int) moveRow {
	ctx := t.Context()
	w, err := testworld.Start(ctx, testworld.Options{Scenario: testworld.Empty, Flavour: testworld.V1Beta2, Dir: t.TempDir(), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	clusters, err := testworld.BuildStacked(testworld.V1Beta2, time.Now(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SeedStacked(ctx, clusters); err != nil {
		t.Fatal(err)
	}
	row := moveRow{graph: name, phases: map[string]time.Duration{}}
	for _, c := range clusters {
		row.objects += len(c.Objects)
	}

	servers := []*testworld.Server{w.Bootstrap, w.Management}
	from := 0 // where the graph is now
	took := map[string][]time.Duration{}
	phases := map[string][]time.Duration{}
	for r := 0; r <= runs; r++ { // round 0 is the warm-up
		// Each side in turn leads, so none always follows the same one.
		sides := []string{"clusterctl", "plugin", "floor"}
		sides = append(sides[r%3:], sides[:r%3]...)
		if large && r != 1 { // clusterctl once, measured
			sides = slices.DeleteFunc(sides, func(s string) bool { return s == "clusterctl" })
		}
		for _, side := range sides {
			src, dst := servers[from], servers[1-from]
			var d time.Duration
			switch side {
			case "plugin":
				var ph map[string]time.Duration
				d, ph, err = pluginMove(ctx, src, dst, filepath.Join(t.TempDir(), "backup"), row.objects)
				for k, v := range ph {
					if r > 0 {
						phases[k] = append(phases[k], v)
					}
				}
			case "floor":
				var objs []*unstructured.Unstructured
				if objs, err = graphObjects(ctx, src); err == nil {
					d, err = floorMove(ctx, src, dst, objs)
				}
			default:
				d, err = cc.Move(ctx, src, dst, eksa.Namespace)
			}
			if err != nil {
				t.Fatalf("%s, %s move from %s to %s: %v", name, side, src.Name, dst.Name, err)
			}
			if err := testworld.RestoreStatus(ctx, dst, clusters); err != nil {
				t.Fatal(err)
			}
			from = 1 - from
			t.Logf("%s: %s moved %d objects from %s to %s in %s", name, side, row.objects, src.Name, dst.Name, ms(d))
			if r > 0 || (large && side == "clusterctl") {
				took[side] = append(took[side], d)
			}
		}
	}
	row.plugin, row.floor = medianDuration(took["plugin"]), medianDuration(took["floor"])
	row.clusterctl, row.clusterctlRuns = medianDuration(took["clusterctl"]), len(took["clusterctl"])
	for k, v := range phases {
		row.phases[k] = medianDuration(v)
	}
	if large {
		row.binary = binaryMove(t, w, from == 1)
	}
	return row
}

// pluginMove is what `kubectl eksa-recover move --all --yes` runs, less the
// dry run it shows first: connect to both clusters, then move. It returns
// the time of each phase, read off the progress lines the move prints.
func pluginMove(ctx context.Context, src, dst *testworld.Server, backup string, objects int) (time.Duration, map[string]time.Duration, error) {
	lines := &stampedLines{}
	start := time.Now()
	from, err := writable.Connect(ctx, src.Name, src.Config)
	if err != nil {
		return 0, nil, err
	}
	to, err := writable.Connect(ctx, dst.Name, dst.Config)
	if err != nil {
		return 0, nil, err
	}
	lines.mark("connected", time.Now())
	res, err := mover.Move(ctx, mover.Options{From: from, To: to, ClusterName: "", BackupDir: backup, ToolVersion: "bench",
		Pace: mover.Pace{Progress: lines}})
	end := time.Now()
	if err != nil {
		return 0, nil, err
	}
	if res.Created != objects || res.Deleted != objects {
		return 0, nil, fmt.Errorf("created %d and deleted %d objects, want %d", res.Created, res.Deleted, objects)
	}
	return end.Sub(start), lines.phases(start, end), nil
}

// movePhases name the spans between the progress lines mover.Move prints
// (by their first words) and what each span holds.
var movePhases = []struct{ from, name string }{
	{"", "connect"},                         // discovery of both servers
	{"connected", "plan"},                   // list both graphs, preflight, groups
	{"Performing move", "check+lock"},       // list both again (drift), lock
	{"Backing up", "backup"},                // write, read back
	{"Creating objects", "create+readback"}, // pause, creates, one list per kind
	{"Deleting objects", "delete+unpause"},  // mark, delete, read target, unpause
}

type stampedLines struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	marks []struct {
		line string
		at   time.Time
	}
}

func (s *stampedLines) Write(p []byte) (int, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadString('\n')
		if err != nil {
			s.buf.WriteString(line) // a partial line waits for its end
			break
		}
		s.marks = append(s.marks, struct {
			line string
			at   time.Time
		}{strings.TrimSpace(line), now})
	}
	return len(p), nil
}

func (s *stampedLines) mark(line string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marks = append(s.marks, struct {
		line string
		at   time.Time
	}{line, at})
}

// phases splits start..end at the first line starting with each phase's
// marker.
func (s *stampedLines) phases(start, end time.Time) map[string]time.Duration {
	at := func(prefix string) time.Time {
		if prefix == "" {
			return start
		}
		for _, m := range s.marks {
			if strings.HasPrefix(m.line, prefix) {
				return m.at
			}
		}
		return end
	}
	out := map[string]time.Duration{}
	for i, p := range movePhases {
		next := end
		if i+1 < len(movePhases) {
			next = at(movePhases[i+1].from)
		}
		out[p.name] = next.Sub(at(p.from))
	}
	return out
}

// graphObjects reads the namespace's moveable objects, as the floor's input.
func graphObjects(ctx context.Context, s *testworld.Server) ([]*unstructured.Unstructured, error) {
	c, err := writable.Connect(ctx, s.Name, s.Config)
	if err != nil {
		return nil, err
	}
	g, err := mover.Read(ctx, c, "")
	if err != nil {
		return nil, err
	}
	return g.Sorted(), nil
}

// childRun is one run of the binary as a child process.
type childRun struct {
	wall  time.Duration
	rssMB float64
	out   string
}

// binaryMove runs `kubectl eksa-recover move --all --yes` (with --reverse
// when the graph is on management) once, as a user would, for its wall time
// and peak RSS.
func binaryMove(t *testing.T, w *testworld.World, onManagement bool) *childRun {
	args := []string{"move", "--all", "--yes", "--workspace", w.Dir, "--cluster-name", testworld.SeedClusterName,
		"--kubeconfig", w.Layout.ManagementKubeconfig(), "--bootstrap-kubeconfig", w.Layout.BootstrapKubeconfig()}
	if onManagement {
		args = append(args, "--reverse")
	}
	run, err := runChild(t.Context(), args...)
	if err != nil {
		t.Fatalf("binary move: %v\n%s", err, run.out)
	}
	return run
}

// runChild runs the built plugin binary (bin/, as `make bench` builds it)
// as a user would, under hack/peakrss (see there why): its wall time, the
// time peakrss adds (a few ms) included, and its own peak RSS.
func runChild(ctx context.Context, args ...string) (*childRun, error) {
	bin, err := filepath.Abs("../../bin/kubectl-eksa_recover")
	if err != nil {
		return nil, err
	}
	launcher, err := peakRSSLauncher()
	if err != nil {
		return nil, err
	}
	rssFile := filepath.Join(os.TempDir(), fmt.Sprintf("eksa-bench-rss-%d", os.Getpid()))
	defer func() { _ = os.Remove(rssFile) }()
	cmd := exec.CommandContext(ctx, launcher, append([]string{"-o", rssFile, "--", bin}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	run := &childRun{wall: time.Since(start), out: out.String()}
	data, readErr := os.ReadFile(rssFile)
	if readErr != nil {
		return run, errors.Join(err, readErr)
	}
	kib, convErr := strconv.Atoi(strings.TrimSpace(string(data)))
	if convErr != nil {
		return run, errors.Join(err, convErr)
	}
	run.rssMB = float64(kib) / 1024
	return run, err
}

// peakRSSLauncher builds hack/peakrss once per bench run.
var peakRSSLauncher = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "eksa-bench-peakrss")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "peakrss")
	if out, err := exec.Command("go", "build", "-o", bin, "../../hack/peakrss").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building hack/peakrss: %v\n%s", err, out)
	}
	return bin, nil
})

func medianDuration(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	return d[len(d)/2]
}

func printMoveTable(rows []moveRow, runs int) {
	fmt.Printf("\nMove: the plugin (mover.Connect x2 + mover.Move, backup included) vs clusterctl's library (client.New + Move)\n")
	fmt.Printf("and the floor (only the creates and deletes, objects read beforehand, %d writes in flight),\n", floorParallelism)
	fmt.Printf("same world, v1beta2, stacked etcd, not paused; whole namespace. Median of %d runs after 1 warm-up\n", runs)
	fmt.Printf("(clusterctl: the runs shown; on the largest graph one, without warm-up).\n\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "graph\tobjects\tplugin\tfloor\tclusterctl (runs)\tplugin/floor\tplugin/clusterctl\tgoals")
	for _, r := range rows {
		vsFloor := float64(r.plugin) / float64(r.floor)
		vsCC := float64(r.plugin) / float64(r.clusterctl)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s (%d)\t%.2fx\t%.2fx\t<= %.1fx floor: %s; <= %.2fx clusterctl: %s\n",
			r.graph, r.objects, ms(r.plugin), ms(r.floor), ms(r.clusterctl), r.clusterctlRuns, vsFloor, vsCC,
			goalMoveVsFloor, yes(vsFloor <= goalMoveVsFloor), goalMoveVsClusterctl, yes(vsCC <= goalMoveVsClusterctl))
	}
	_ = tw.Flush()

	fmt.Printf("\nWhere the plugin's move time goes (medians per phase):\n\n")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	header := "graph"
	for _, p := range movePhases {
		header += "\t" + p.name
	}
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		line := r.graph
		for _, p := range movePhases {
			line += "\t" + ms(r.phases[p.name])
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush()

	for _, r := range rows {
		if r.binary == nil {
			continue
		}
		fmt.Printf("\nThe binary, `move --all --yes` as a child process (its dry-run plan, backup, move and verify), %d objects:\n", r.objects)
		fmt.Printf("  wall %s; peak RSS %.0f MB (goal <= %d MB: %s)\n", ms(r.binary.wall), r.binary.rssMB, goalRSSMB, yes(r.binary.rssMB <= goalRSSMB))
	}
	fmt.Println()
}
