//go:build bench

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	bootstrapv1 "sigs.k8s.io/cluster-api/api/bootstrap/kubeadm/v1beta2"
	controlplanev1 "sigs.k8s.io/cluster-api/api/controlplane/kubeadm/v1beta2"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/tree"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Knobs, for a quicker look while working on the read:
//
//	EKSA_BENCH_MACHINES=10,100   the world sizes (default 10,100,1000)
//	EKSA_BENCH_RUNS=3            measured runs per side (default 5)
//	EKSA_BENCH_SCALE=0           skip the 5,000-Machine, 100-cluster world
const (
	envMachines = "EKSA_BENCH_MACHINES"
	envRuns     = "EKSA_BENCH_RUNS"
	envScale    = "EKSA_BENCH_SCALE"
)

// Goals the figures are held to.
const (
	goalVsClusterctl = 0.35 // status <= 0.35x clusterctl describe ...
	goalMachines     = 1000 // ... at 1,000 Machines
	goalVsFloor      = 1.3  // status <= 1.3x its floor, at every size
	// readsPerNotReady: a Machine not Ready is read whole, and so are its
	// parts (pkg/reader machineparts.go): on vSphere its KubeadmConfig, its
	// VSphereMachine and that one's VSphereVM, a GET each.
	readsPerNotReady = 4
	// The scale world: 100 workload clusters beside cluster3, 5,000
	// Machines in all.
	scaleMachines, scaleWorkloads = 5000, 100
)

// What the baseline runs: tree.Discovery with the options of
// `clusterctl describe cluster` (its flag defaults), and the same with
// --grouping=false, which shows (and so fetches the infrastructure machine
// and bootstrap config of) every Machine, as the plugin's machine table does.
var baselines = []struct {
	name, flags string
	opts        tree.DiscoverOptions
}{
	{"describe", "clusterctl describe cluster cluster3 -n eksa-system", tree.DiscoverOptions{Grouping: true, AddTemplateVirtualNode: true}},
	{"nogroup", "clusterctl describe cluster cluster3 -n eksa-system --grouping=false", tree.DiscoverOptions{Grouping: false, AddTemplateVirtualNode: true}},
}

// clusterctl's proxy sets these on its rest.Config so that it is not
// throttled on large clusters (cmd/clusterctl/client/cluster/proxy.go).
const clusterctlQPS, clusterctlBurst = 500, 1000

type sample struct {
	requests int
	wall     time.Duration
}

type row struct {
	machines  int    // in the namespace
	clusters  int    // CAPI clusters: cluster3 and its workload clusters
	notReady  int    // Machines not Ready: the plugin reads each of them whole besides the table
	read      sample // reader.Read, management only
	status    sample // the whole status command, in this process (warm)
	floor     sample // the read's requests, replayed by a bare client
	objects   int    // objects the plugin read (CAPI, EKS-A, nodes)
	baseline  []sample
	child     *childRun // status as a new process: median wall, peak RSS
	childRuns int
}

// TestBench prints, for each world size, the plugin's read and whole status
// command, the floor of that read, and clusterctl's tree.Discovery against
// the same management API server: requests and wall time (median of the
// measured runs, after one warm-up of each), then status as a user runs it
// (a new process) with its peak RSS; last, a world of 5,000 Machines in 101
// clusters.
func TestBench(t *testing.T) {
	if os.Getenv(testworld.EnvAssets) == "" {
		t.Fatalf("%s is not set: run `make bench`", testworld.EnvAssets)
	}
	sizes := intList(t, envMachines, []int{10, 100, 1000})
	runs := intList(t, envRuns, []int{5})[0]
	scheme := clusterctlScheme(t)

	var rows []row
	for _, n := range sizes {
		rows = append(rows, measureWorld(t, scheme, n, 0, runs)...)
	}
	if os.Getenv(envScale) != "0" {
		rows = append(rows, measureWorld(t, scheme, scaleMachines, scaleWorkloads, runs)...)
	}
	printTables(rows, runs)
}

// measureWorld seeds a healthy world and measures it; at the goal's size,
// once more with one Machine not Ready, which the plugin reads whole for
// its reason (and clusterctl shows apart, with its infrastructure and
// bootstrap objects). With workload clusters, clusterctl is not run: it
// describes one cluster, the plugin reads the namespace.
func measureWorld(t *testing.T, scheme *runtime.Scheme, machines, workloads, runs int) []row {
	if machines < 3 {
		t.Fatalf("a world has at least 3 Machines (control plane, etcd, worker), not %d", machines)
	}
	ctx := t.Context()
	start := time.Now()
	workers := machines - 2 // + 1 control plane + 1 etcd
	if workloads > 0 {
		workers -= workloads * machinesPerWorkload(t)
	}
	w, err := testworld.Start(ctx, testworld.Options{
		Scenario:         testworld.Healthy,
		Flavour:          testworld.V1Beta2,
		Workers:          workers,
		WorkloadClusters: workloads,
		Dir:              t.TempDir(),
		Logf:             t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	cfg, err := clientcmd.BuildConfigFromFlags("", w.Layout.ManagementKubeconfig())
	if err != nil {
		t.Fatal(err)
	}
	// What the server holds, counted: the builder may round the workers it
	// spreads over MachineDeployments, and a scenario seed some apart.
	if machines, err = machinesOnServer(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Logf("world with %d Machines in %d clusters ready in %s", machines, len(w.Clusters), time.Since(start).Round(time.Second))

	m := &measurer{t: t, w: w, cfg: cfg, scheme: scheme, machines: machines, cluster3: len(w.Cluster3().Machines),
		clusterctl: workloads == 0}
	rows := []row{m.measure(runs)}
	if machines == goalMachines {
		if err := makeOneNotReady(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		r := m.measure(runs)
		r.notReady = 1
		rows = append(rows, r)
	}
	return rows
}

// machinesPerWorkload is how many Machines a workload cluster of the world has.
func machinesPerWorkload(t *testing.T) int {
	c, err := testworld.NewCluster(testworld.V1Beta2, "w01").Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return len(c.Machines)
}

// settle is the pause between two measured steps, so that one's work on
// the server (its garbage above all) is not charged to the next.
const settle = 200 * time.Millisecond

type measurer struct {
	t          *testing.T
	w          *testworld.World
	cfg        *rest.Config
	scheme     *runtime.Scheme
	machines   int  // in the namespace
	cluster3   int  // cluster3's, which clusterctl describes
	clusterctl bool // run the baselines
}

func (m *measurer) measure(runs int) row {
	t, ctx := m.t, m.t.Context()
	r := row{machines: m.machines, clusters: len(m.w.Clusters), baseline: make([]sample, len(baselines))}
	var reads, statuses, floors []sample
	base := make([][]sample, len(baselines))
	var requests []recorded      // the read's, for the floor to replay
	for i := 0; i <= runs; i++ { // run 0 is the warm-up
		measured := i > 0
		steps := []func(){
			func() {
				p, objects, rec, err := readPlugin(ctx, m.w.Layout.ManagementKubeconfig(), m.cfg, m.machines)
				if err != nil {
					t.Fatalf("plugin read, %d Machines: %v", m.machines, err)
				}
				requests, r.objects = rec, objects
				if measured {
					reads = append(reads, p)
				}
			},
			func() {
				f, err := replay(ctx, m.cfg, requests)
				if err != nil {
					t.Fatalf("floor, %d Machines: %v", m.machines, err)
				}
				if measured {
					floors = append(floors, f)
				}
			},
			func() {
				st, err := statusInProcess(ctx, m.w)
				if err != nil {
					t.Fatalf("status, %d Machines: %v", m.machines, err)
				}
				if measured {
					statuses = append(statuses, st)
				}
			},
		}
		for b := range baselines {
			if !m.clusterctl {
				break
			}
			steps = append(steps, func() {
				s, err := discover(ctx, m.cfg, m.scheme, baselines[b].opts, m.cluster3)
				if err != nil {
					t.Fatalf("tree.Discovery (%s), %d Machines: %v", baselines[b].name, m.machines, err)
				}
				if measured {
					base[b] = append(base[b], s)
				}
			})
		}
		// Each side leads in turn: what follows clusterctl's heavy lists
		// finds the server still collecting their garbage. The read
		// leads the warm-up, for the floor to have its requests.
		for k := range steps {
			steps[(k+i)%len(steps)]()
			time.Sleep(settle)
		}
	}
	r.read, r.floor, r.status = median(reads), median(floors), median(statuses)
	for b := range baselines {
		if m.clusterctl {
			r.baseline[b] = median(base[b])
		}
	}
	r.child, r.childRuns = statusChild(t, m.w, max(3, runs/2))
	t.Logf("%d Machines: read %d requests %s, floor %s, status %s, new process %s (%.0f MB)",
		m.machines, r.read.requests, ms(r.read.wall), ms(r.floor.wall), ms(r.status.wall), ms(r.child.wall), r.child.rssMB)
	return r
}

// statusArgs are `kubectl eksa-recover status` on the world's management
// cluster, as its user types it.
func statusArgs(w *testworld.World) []string {
	return []string{"status", "--kubeconfig", w.Layout.ManagementKubeconfig(), "--workspace", w.Dir,
		"--cluster-name", testworld.SeedClusterName}
}

// statusInProcess runs the status command in this process, output
// discarded: everything status does but start a process.
func statusInProcess(ctx context.Context, w *testworld.World) (sample, error) {
	streams := genericiooptions.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	c := cmd.NewCmdRoot(streams)
	c.SetArgs(statusArgs(w))
	start := time.Now()
	err := c.ExecuteContext(ctx)
	wall := time.Since(start)
	var code exitcode.Code
	if err != nil && !errors.As(err, &code) { // a state other than Healthy is an exit code, not a failure
		return sample{}, err
	}
	return sample{wall: wall}, nil
}

// statusChild runs the binary's status n times, each a new process as a
// user runs it: the median wall and the largest peak RSS.
func statusChild(t *testing.T, w *testworld.World, n int) (*childRun, int) {
	var walls []time.Duration
	out := &childRun{}
	for range n {
		run, err := runChild(t.Context(), statusArgs(w)...)
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("binary status: %v\n%s", err, run.out)
		}
		walls = append(walls, run.wall)
		out.rssMB = max(out.rssMB, run.rssMB)
	}
	out.wall = medianDuration(walls)
	return out, n
}

// machinesOnServer counts the Machines the management cluster holds in
// eksa-system.
func machinesOnServer(ctx context.Context, cfg *rest.Config) (int, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	l, err := dyn.Resource(schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "machines"}).
		Namespace(eksa.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	return len(l.Items), nil
}

// makeOneNotReady sets one worker Machine's Ready condition False, as a
// Machine whose node went away reports it.
func makeOneNotReady(ctx context.Context, cfg *rest.Config) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	machines := dyn.Resource(schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "machines"}).
		Namespace(eksa.Namespace)
	l, err := machines.List(ctx, metav1.ListOptions{LabelSelector: "cluster.x-k8s.io/deployment-name", Limit: 1})
	if err != nil || len(l.Items) == 0 {
		return fmt.Errorf("finding a worker Machine: %v", err)
	}
	patch := `{"status":{"conditions":[{"type":"Ready","status":"False","reason":"NodeNotReady","message":"Node is not ready",` +
		`"lastTransitionTime":"` + time.Now().UTC().Format(time.RFC3339) + `"}]}}`
	_, err = machines.Patch(ctx, l.Items[0].GetName(), types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status")
	return err
}

// readPlugin runs the plugin's read of the management cluster, as `status`
// does, with no bootstrap cluster, and records its requests for the floor.
func readPlugin(ctx context.Context, kubeconfig string, cfg *rest.Config, machines int) (sample, int, []recorded, error) {
	var outer atomic.Int64
	rec := &recorder{}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(counter(&outer))
	cfg.Wrap(rec.wrap)
	start := time.Now()
	s := reader.Read(ctx,
		reader.Source{Role: snapshot.Management, Kubeconfig: kubeconfig, Config: cfg},
		reader.Source{Role: snapshot.Bootstrap},
		reader.Options{Timeout: 5 * time.Minute, Now: time.Now(), ClusterName: testworld.SeedClusterName})
	wall := time.Since(start)
	st := s.Management
	if !st.Reachable {
		return sample{}, 0, nil, fmt.Errorf("management not read: %s", st.Error)
	}
	if len(st.Machines) != machines {
		return sample{}, 0, nil, fmt.Errorf("read %d Machines, want %d", len(st.Machines), machines)
	}
	// The plugin counts its own requests; the outer counter sees the same.
	if int64(st.Requests) != outer.Load() {
		return sample{}, 0, nil, fmt.Errorf("plugin counted %d requests, the transport saw %d", st.Requests, outer.Load())
	}
	return sample{requests: st.Requests, wall: wall}, len(st.Objects) + len(st.EKSA) + len(st.Nodes), rec.requests(), nil
}

// discover runs clusterctl's tree.Discovery as `clusterctl describe cluster`
// does: a new controller-runtime client (so its REST mapping is discovered
// afresh, as in a new clusterctl process), then the discovery.
func discover(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, opts tree.DiscoverOptions, machines int) (sample, error) {
	var n atomic.Int64
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = clusterctlQPS, clusterctlBurst
	cfg.Wrap(counter(&n))
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return sample{}, err
	}
	objTree, err := tree.Discovery(ctx, c, eksa.Namespace, testworld.SeedClusterName, opts)
	if err != nil {
		return sample{}, err
	}
	wall := time.Since(start)
	// The tree must hold what a real cluster's would: the control plane and
	// every Machine, else the baseline did less work than it should.
	if got := countMachines(objTree); got != machines {
		return sample{}, fmt.Errorf("the tree holds %d Machines, want %d", got, machines)
	}
	if !hasControlPlane(objTree) {
		return sample{}, fmt.Errorf("the tree has no control plane: are the CRDs' contract labels there?")
	}
	return sample{requests: int(n.Load()), wall: wall}, nil
}

// clusterctlScheme holds what tree.Discovery decodes into: CAPI core and the
// kubeadm control plane and bootstrap types (v1beta2), and client-go's.
func clusterctlScheme(t *testing.T) *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme, clusterv1.AddToScheme, controlplanev1.AddToScheme,
		bootstrapv1.AddToScheme, apiextensionsv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// countMachines counts the tree's Machines, those grouped included.
func countMachines(t *tree.ObjectTree) int {
	n := 0
	var walk func(id types.UID)
	walk = func(id types.UID) {
		for _, o := range t.GetObjectsByParent(id) {
			switch o.GetObjectKind().GroupVersionKind().Kind {
			case "Machine":
				n++
			case "MachineGroup":
				n += len(strings.Split(o.GetAnnotations()[tree.GroupItemsAnnotation], tree.GroupItemsSeparator))
			}
			walk(o.GetUID())
		}
	}
	walk(t.GetRoot().GetUID())
	return n
}

func hasControlPlane(t *tree.ObjectTree) bool {
	for _, o := range t.GetObjectsByParent(t.GetRoot().GetUID()) {
		if o.GetObjectKind().GroupVersionKind().Kind == "KubeadmControlPlane" {
			return true
		}
	}
	return false
}

// counter counts API requests as the plugin does: a 429 is flow control
// asking client-go to retry, so the retry counts and the throttled try not.
func counter(n *atomic.Int64) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(req *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(req)
			if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
				n.Add(1)
			}
			return resp, err
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// median of the runs: wall and requests each on their own.
func median(s []sample) sample {
	walls := make([]time.Duration, len(s))
	reqs := make([]int, len(s))
	for i := range s {
		walls[i], reqs[i] = s[i].wall, s[i].requests
	}
	slices.Sort(walls)
	slices.Sort(reqs)
	return sample{requests: reqs[len(reqs)/2], wall: walls[len(walls)/2]}
}

func printTables(rows []row, runs int) {
	fmt.Printf("\nStatus: the plugin's read (reader.Read, management only), the whole status command in this process,\n")
	fmt.Printf("the read's floor (its own requests, same formats, replayed at once by a bare client that decodes nothing)\n")
	fmt.Printf("and clusterctl's tree.Discovery, same API server. Healthy world, v1beta2; cluster3 = 1 control plane + 1 etcd + workers\n")
	fmt.Printf("(the last row: %d workload clusters beside it). Median of %d runs after 1 warm-up.\n\n", scaleWorkloads, runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "machines\tclusters\tnot-ready\trequests\tread\tstatus\tfloor\tstatus/floor\tgoals")
	for _, r := range rows {
		vsFloor := float64(r.status.wall) / float64(r.floor.wall)
		want := rows[0].read.requests + r.notReady*readsPerNotReady
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\t%s\t%.2fx\trequests flat (=%d): %s; status <= %.1fx floor: %s\n",
			r.machines, r.clusters, r.notReady, r.read.requests, ms(r.read.wall), ms(r.status.wall), ms(r.floor.wall), vsFloor,
			want, yes(r.read.requests == want), goalVsFloor, yes(vsFloor <= goalVsFloor))
	}
	_ = tw.Flush()

	for b, base := range baselines {
		fmt.Printf("\nBaseline: %s\n", base.flags)
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "machines\tnot-ready\tstatus\tclusterctl-requests\tclusterctl-wall\tstatus/clusterctl\trequest-ratio\tgoal")
		for _, r := range rows {
			c := r.baseline[b]
			if c.wall == 0 {
				continue // not run: workload clusters
			}
			ratio := float64(r.status.wall) / float64(c.wall)
			goal := "-"
			if r.machines == goalMachines && b == 0 {
				goal = fmt.Sprintf("status <= %.2fx describe: %s", goalVsClusterctl, yes(ratio <= goalVsClusterctl))
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t%.2fx\t%.2fx\t%s\n",
				r.machines, r.notReady, ms(r.status.wall), c.requests, ms(c.wall),
				ratio, float64(r.read.requests)/float64(c.requests), goal)
		}
		_ = tw.Flush()
	}

	fmt.Printf("\nStatus as a user runs it (a new process each run: cold start, discovery, read, diagnose, print), peak RSS the largest of the runs:\n\n")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "machines\tclusters\tnot-ready\tnew process (runs)\tin process (warm)\tpeak RSS\tgoal")
	for _, r := range rows {
		goal := "-"
		if r.clusters > 1 { // the scale world
			goal = fmt.Sprintf("RSS <= %d MB: %s", goalRSSMB, yes(r.child.rssMB <= goalRSSMB))
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s (%d)\t%s\t%.0f MB\t%s\n",
			r.machines, r.clusters, r.notReady, ms(r.child.wall), r.childRuns, ms(r.status.wall), r.child.rssMB, goal)
	}
	_ = tw.Flush()

	fmt.Printf("\nObjects the plugin read (CAPI + EKS-A + nodes):")
	for _, r := range rows {
		fmt.Printf(" %d at %d Machines;", r.objects, r.machines)
	}
	fmt.Printf("\nnot-ready = Machines not Ready: the plugin reads the Machines' table and metadata, and each Machine not Ready whole with its parts, a GET each (up to 10 Machines; more: the Machines listed in full, their parts not).")
	fmt.Printf("\nThe figure users feel is the new process's; status/floor is the in-process status against the floor.\n\n")
}

func yes(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + "ms"
}

func intList(t *testing.T, env string, def []int) []int {
	v := os.Getenv(env)
	if v == "" {
		return def
	}
	var out []int
	for f := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want positive integers separated by commas", env, v)
		}
		out = append(out, n)
	}
	return out
}
