//go:build bench

package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
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
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Knobs, for a quicker look while working on the read:
//
//	EKSA_BENCH_MACHINES=10,100   the world sizes (default 10,100,1000)
//	EKSA_BENCH_RUNS=3            measured runs per side (default 5)
const (
	envMachines = "EKSA_BENCH_MACHINES"
	envRuns     = "EKSA_BENCH_RUNS"
)

// Goals the figures are held to.
const (
	goalWallRatio = 0.5  // plugin wall <= 0.5x tree.Discovery ...
	goalMachines  = 1000 // ... at 1,000 Machines
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
	machines int
	notReady int // Machines not Ready: the plugin reads each of them whole besides the table
	plugin   sample
	objects  int // objects the plugin read (CAPI, EKS-A, nodes)
	baseline []sample
}

// TestBench prints, for each world size, the plugin's read and clusterctl's
// tree.Discovery against the same management API server: requests and wall
// time (median of the measured runs, after one warm-up of each).
func TestBench(t *testing.T) {
	if os.Getenv(testworld.EnvAssets) == "" {
		t.Fatalf("%s is not set: run `make bench`", testworld.EnvAssets)
	}
	sizes := intList(t, envMachines, []int{10, 100, 1000})
	runs := intList(t, envRuns, []int{5})[0]
	scheme := clusterctlScheme(t)

	var rows []row
	for _, n := range sizes {
		rows = append(rows, measureWorld(t, scheme, n, runs)...)
	}
	printTables(rows, runs)
}

// measureWorld seeds a healthy world and measures it; at the goal's size,
// once more with one Machine not Ready, which the plugin reads whole for
// its reason (and clusterctl shows apart, with its infrastructure and
// bootstrap objects).
func measureWorld(t *testing.T, scheme *runtime.Scheme, machines, runs int) []row {
	if machines < 3 {
		t.Fatalf("a world has at least 3 Machines (control plane, etcd, worker), not %d", machines)
	}
	ctx := t.Context()
	start := time.Now()
	w, err := testworld.Start(ctx, testworld.Options{
		Scenario: testworld.Healthy,
		Flavour:  testworld.V1Beta2,
		Workers:  machines - 2, // + 1 control plane + 1 etcd
		Dir:      t.TempDir(),
		Logf:     t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	t.Logf("world with %d Machines ready in %s", machines, time.Since(start).Round(time.Second))

	kubeconfig := w.Layout.ManagementKubeconfig()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	rows := []row{measure(t, kubeconfig, cfg, scheme, machines, runs)}
	if machines == goalMachines {
		if err := makeOneNotReady(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		r := measure(t, kubeconfig, cfg, scheme, machines, runs)
		r.notReady = 1
		rows = append(rows, r)
	}
	return rows
}

func measure(t *testing.T, kubeconfig string, cfg *rest.Config, scheme *runtime.Scheme, machines, runs int) row {
	ctx := t.Context()
	r := row{machines: machines, baseline: make([]sample, len(baselines))}
	plugin := make([]sample, 0, runs)
	base := make([][]sample, len(baselines))
	for i := 0; i <= runs; i++ { // run 0 is the warm-up
		p, objects, err := readPlugin(ctx, kubeconfig, cfg, machines)
		if err != nil {
			t.Fatalf("plugin read, %d Machines: %v", machines, err)
		}
		for b := range baselines {
			s, err := discover(ctx, cfg, scheme, baselines[b].opts, machines)
			if err != nil {
				t.Fatalf("tree.Discovery (%s), %d Machines: %v", baselines[b].name, machines, err)
			}
			if i > 0 {
				base[b] = append(base[b], s)
			}
		}
		if i > 0 {
			plugin = append(plugin, p)
		}
		r.objects = objects
	}
	r.plugin = median(plugin)
	for b := range baselines {
		r.baseline[b] = median(base[b])
	}
	t.Logf("%d Machines: plugin %d requests %s; clusterctl %d requests %s (grouping), %d requests %s (no grouping)",
		machines, r.plugin.requests, ms(r.plugin.wall),
		r.baseline[0].requests, ms(r.baseline[0].wall), r.baseline[1].requests, ms(r.baseline[1].wall))
	return r
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
// does, with no bootstrap cluster.
func readPlugin(ctx context.Context, kubeconfig string, cfg *rest.Config, machines int) (sample, int, error) {
	var outer atomic.Int64
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(counter(&outer))
	start := time.Now()
	s := reader.Read(ctx,
		reader.Source{Role: snapshot.Management, Kubeconfig: kubeconfig, Config: cfg},
		reader.Source{Role: snapshot.Bootstrap},
		reader.Options{Timeout: 5 * time.Minute, Now: time.Now()})
	wall := time.Since(start)
	st := s.Management
	if !st.Reachable {
		return sample{}, 0, fmt.Errorf("management not read: %s", st.Error)
	}
	if len(st.Machines) != machines {
		return sample{}, 0, fmt.Errorf("read %d Machines, want %d", len(st.Machines), machines)
	}
	// The plugin counts its own requests; the outer counter sees the same.
	if int64(st.Requests) != outer.Load() {
		return sample{}, 0, fmt.Errorf("plugin counted %d requests, the transport saw %d", st.Requests, outer.Load())
	}
	return sample{requests: st.Requests, wall: wall}, len(st.Objects) + len(st.EKSA) + len(st.Nodes), nil
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
	fmt.Printf("\nPlugin read (reader.Read, management only) vs clusterctl tree.Discovery, same API server.\n")
	fmt.Printf("Healthy world (at %d Machines, then with one not Ready), v1beta2, cluster3 = 1 control plane + 1 etcd + workers. Median of %d runs after 1 warm-up.\n", goalMachines, runs)
	for b, base := range baselines {
		fmt.Printf("\nBaseline: %s\n", base.flags)
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "machines\tnot-ready\tplugin-requests\tplugin-wall\tclusterctl-requests\tclusterctl-wall\twall-ratio\trequest-ratio\tgoal")
		for _, r := range rows {
			c := r.baseline[b]
			ratio := float64(r.plugin.wall) / float64(c.wall)
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%d\t%s\t%.2fx\t%.2fx\t%s\n",
				r.machines, r.notReady, r.plugin.requests, ms(r.plugin.wall), c.requests, ms(c.wall),
				ratio, float64(r.plugin.requests)/float64(c.requests), goals(rows, r, ratio))
		}
		_ = tw.Flush()
	}
	fmt.Printf("\nObjects the plugin read (CAPI + EKS-A + nodes):")
	for _, r := range rows {
		fmt.Printf(" %d at %d Machines;", r.objects, r.machines)
	}
	fmt.Printf("\nnot-ready = Machines not Ready: the plugin reads the Machines' table and metadata, and each Machine not Ready whole (up to 10; more, all in full).")
	fmt.Printf("\nwall-ratio = plugin wall / clusterctl wall; request-ratio = plugin requests / clusterctl requests.\n")
	fmt.Printf("Goals: plugin requests flat as Machines grow; plugin wall <= %.1fx tree.Discovery at %d Machines.\n\n", goalWallRatio, goalMachines)
}

// goals says, beside a row, whether it meets the goals that apply to it.
// Requests: the same at every size; a Machine not Ready adds its own read.
func goals(rows []row, r row, ratio float64) string {
	want := rows[0].plugin.requests + r.notReady
	out := fmt.Sprintf("requests flat (=%d): %s", want, yes(r.plugin.requests == want))
	if r.machines == goalMachines {
		out += fmt.Sprintf("; wall <= %.1fx: %s", goalWallRatio, yes(ratio <= goalWallRatio))
	}
	return out
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
