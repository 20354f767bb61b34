//go:build bench

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld/clusterctlmove"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// EKSA_BENCH_MOVE_RUNS=3: measured moves per side and graph (default 3).
const envMoveRuns = "EKSA_BENCH_MOVE_RUNS"

// goalMoveRatio: the plugin's move wall <= 0.5x clusterctl's on each graph.
const goalMoveRatio = 0.5

// The graphs the issue names, in the shape clusterctl's move accepts
// (v1beta2, stacked etcd, not paused): one cluster with 100 Machines
// (1 control plane + 99 workers), and 20 clusters of 2 Machines moved as
// the whole namespace (the plugin's --all).
var moveGraphs = []struct {
	name    string
	stacked testworld.StackedOptions
}{
	{"1 cluster, 100 Machines", testworld.StackedOptions{Clusters: 1, Workers: 99}},
	{"20 clusters, 40 Machines", testworld.StackedOptions{Clusters: 20, Workers: 1}},
}

type moveRow struct {
	graph              string
	objects            int
	plugin, clusterctl time.Duration
}

// TestBenchMove prints, for each graph, the wall time of the plugin's move
// (mover.Connect of both clusters, then mover.Move with its backup, lock
// and read-back) and of clusterctl's library Move (client.New, then Move),
// on the same world: the graph moves from KinD to management and back, the
// two sides taking turns so each moves in both directions equally. Between
// moves the status is put back, as the controllers would, so every move
// starts from the same state. Median of the runs after one warm-up each.
func TestBenchMove(t *testing.T) {
	if os.Getenv(testworld.EnvAssets) == "" {
		t.Fatalf("%s is not set: run `make bench`", testworld.EnvAssets)
	}
	runs := intList(t, envMoveRuns, []int{3})[0]
	cc, err := clusterctlmove.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var rows []moveRow
	for _, g := range moveGraphs {
		rows = append(rows, measureMove(t, cc, g.name, g.stacked, runs))
	}
	printMoveTable(rows, runs)
}

func measureMove(t *testing.T, cc *clusterctlmove.Mover, name string, o testworld.StackedOptions, runs int) moveRow {
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
	row := moveRow{graph: name}
	for _, c := range clusters {
		row.objects += len(c.Objects)
	}

	servers := []*testworld.Server{w.Bootstrap, w.Management}
	from := 0 // where the graph is now
	var plugin, clusterctl []time.Duration
	for r := 0; r <= runs; r++ { // round 0 is the warm-up
		sides := []string{"clusterctl", "plugin"}
		if r%2 == 1 {
			sides = []string{"plugin", "clusterctl"}
		}
		for _, side := range sides {
			src, dst := servers[from], servers[1-from]
			var took time.Duration
			if side == "plugin" {
				took, err = pluginMove(ctx, src, dst, filepath.Join(t.TempDir(), "backup"), row.objects)
			} else {
				took, err = cc.Move(ctx, src, dst, eksa.Namespace)
			}
			if err != nil {
				t.Fatalf("%s, %s move from %s to %s: %v", name, side, src.Name, dst.Name, err)
			}
			if err := testworld.RestoreStatus(ctx, dst, clusters); err != nil {
				t.Fatal(err)
			}
			from = 1 - from
			t.Logf("%s: %s moved %d objects from %s to %s in %s", name, side, row.objects, src.Name, dst.Name, ms(took))
			if r == 0 {
				continue
			}
			if side == "plugin" {
				plugin = append(plugin, took)
			} else {
				clusterctl = append(clusterctl, took)
			}
		}
	}
	row.plugin, row.clusterctl = medianDuration(plugin), medianDuration(clusterctl)
	return row
}

// pluginMove is what `kubectl eksa-recover move --all --yes` runs, less the
// dry run it shows first: connect to both clusters, then move.
func pluginMove(ctx context.Context, src, dst *testworld.Server, backup string, objects int) (time.Duration, error) {
	start := time.Now()
	from, err := kube.Connect(ctx, src.Name, src.Config)
	if err != nil {
		return 0, err
	}
	to, err := kube.Connect(ctx, dst.Name, dst.Config)
	if err != nil {
		return 0, err
	}
	res, err := mover.Move(ctx, mover.Options{From: from, To: to, ClusterName: "", BackupDir: backup, ToolVersion: "bench"})
	took := time.Since(start)
	if err != nil {
		return 0, err
	}
	if res.Created != objects || res.Deleted != objects {
		return 0, fmt.Errorf("created %d and deleted %d objects, want %d", res.Created, res.Deleted, objects)
	}
	return took, nil
}

func medianDuration(d []time.Duration) time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d[len(d)/2]
}

func printMoveTable(rows []moveRow, runs int) {
	fmt.Printf("\nMove: the plugin (mover.Connect x2 + mover.Move, backup included) vs clusterctl's library (client.New + Move),\n")
	fmt.Printf("same world, v1beta2, stacked etcd, not paused; whole namespace. Median of %d runs after 1 warm-up.\n\n", runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "graph\tobjects\tplugin-wall\tclusterctl-wall\twall-ratio\tgoal")
	for _, r := range rows {
		ratio := float64(r.plugin) / float64(r.clusterctl)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.2fx\twall <= %.1fx: %s\n",
			r.graph, r.objects, ms(r.plugin), ms(r.clusterctl), ratio, goalMoveRatio, yes(ratio <= goalMoveRatio))
	}
	_ = tw.Flush()
	fmt.Printf("\nwall-ratio = plugin wall / clusterctl wall.\n\n")
}
