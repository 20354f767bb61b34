// Package mover moves a cluster's Cluster API objects between the KinD
// bootstrap cluster and the management cluster, on clusterctl's algorithm
// and directory format, over unstructured objects so EKS-A's extra fields
// survive and both CAPI contracts work. What moves is objgraph's rule, the
// backup is package backup's format, the clusters are package kube's. It
// never imports cobra.
package mover

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Options drive one move.
type Options struct {
	From, To    *writable.Cluster
	ClusterName string // "" moves the whole namespace
	// BackupDir is the new folder the backup is written to before any write.
	BackupDir   string
	ToolVersion string
	// ClusterPauses are the management cluster's Clusters' pauses, which
	// the backup's manifest records (backup.Manifest.Clusters).
	ClusterPauses []backup.ClusterPause
	// DryRun makes Move stop after the plan; PlanMove and Run ignore it.
	DryRun bool
	Pace
}

// Pace is how a move or restore goes about its work: where it reports
// progress, its clock, and how many objects of a group it creates at once.
type Pace struct {
	Progress io.Writer        // default: nowhere
	Now      func() time.Time // default: time.Now
	// Parallelism bounds the writes within one group (default 32: a
	// kube-apiserver admits 200 mutating requests at once by default, and
	// fewer in flight left a 2-core test server idle between them).
	Parallelism int
}

// Result says what a move did, counted on the servers, not assumed.
type Result struct {
	Groups    int
	Objects   int // in the graph
	Created   int
	Updated   int // already on the target: a rerun converging
	Deleted   int
	BackupDir string
	Plan      []string // dry run: one line per group
	// Unpause are the target's Clusters a cut-off move left paused with
	// nothing left to move; this run unpauses them (finish.go).
	Unpause []string
}

// MovePlan is a move read once and shown: the graphs both clusters held
// when it was made (objects and resourceVersions), the groups in creation
// order, and the backup folder. Run executes this plan and no other.
type MovePlan struct {
	o              Options
	source, target *Graph
	groups         [][]objgraph.Key
	// Lines describe the groups, one line each, as printed.
	Lines []string
	// Unpause are the target's Clusters a cut-off move left paused with
	// nothing left to move: all this plan does is unpause them (finish.go).
	Unpause []string
}

// Objects is the number of objects the plan moves.
func (p *MovePlan) Objects() int { return p.source.Len() }

// Empty says the plan does nothing: every object is already on the target.
func (p *MovePlan) Empty() bool { return p.source.Len() == 0 && len(p.Unpause) == 0 }

// Move plans a move and, unless o.DryRun, runs that plan without asking:
// for callers that confirm nothing (scripts, tests, benchmarks).
func Move(ctx context.Context, o Options) (*Result, error) {
	p, err := PlanMove(ctx, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		return p.result(), nil
	}
	return p.Run(ctx)
}

// PlanMove reads both clusters once, checks what can be checked without
// writing (the graph is whole, the target serves every kind and runs every
// provider) and prints the plan on o.Progress. It writes nothing.
func PlanMove(ctx context.Context, o Options) (*MovePlan, error) {
	o.defaults()
	say := func(format string, args ...any) { fmt.Fprintf(o.Progress, format+"\n", args...) }
	say("Planning move...")
	say("Discovering Cluster API objects")
	// Both at once: what the target's objects reference and only the
	// source holds moves too (ReadBoth).
	from, to, _, err := ReadBoth(ctx, o.From, o.To, o.ClusterName)
	if err != nil {
		return nil, err
	}
	p := &MovePlan{o: o, source: from, target: to}
	if from.Len() == 0 {
		if to.Len() == 0 {
			return nil, fmt.Errorf("no Cluster API objects of %s on the %s or the %s cluster: check --cluster-name, or restore from a backup", name(o.ClusterName), o.From.Name, o.To.Name)
		}
		if locked, err := leftLocked(ctx, o.To, lockName(o.ClusterName)); err != nil || locked {
			if err != nil {
				return nil, err
			}
			planFinish(p)
			return p, nil
		}
		say("Nothing to move: the %s cluster holds none of %s's objects, the %s cluster holds %d", o.From.Name, name(o.ClusterName), o.To.Name, to.Len())
		return p, nil
	}
	if err := preflight(ctx, from, o.To); err != nil {
		return nil, err
	}
	if err := checkProviders(ctx, o.From, o.To); err != nil {
		return nil, err
	}
	if err := checkHardware(ctx, o.To, from); err != nil {
		return nil, err
	}
	if p.groups, err = from.Groups(); err != nil {
		return nil, err
	}
	say("Moving Cluster API objects Clusters=%d", len(from.Clusters()))
	p.Lines = plan(from, p.groups)
	for _, line := range p.Lines {
		say("  %s", line)
	}
	return p, nil
}

// result is what a dry run reports.
func (p *MovePlan) result() *Result {
	return &Result{Groups: len(p.groups), Objects: p.source.Len(), Plan: p.Lines, Unpause: p.Unpause}
}

// Run executes the plan: it reads both clusters again and stops, writing
// nothing, if either changed since the plan (drift.go); then lock, backup
// (verified), pause the source Clusters, create in the target group by
// group (updating what exists), check every object arrived, delete from
// the source in reverse order, unpause the target Clusters. Rerunning a
// move after any interruption converges: what is on the target is updated,
// what is gone from the source is not needed any more. A nil Result with
// an error means nothing was written.
func (p *MovePlan) Run(ctx context.Context) (*Result, error) {
	o := p.o
	say := func(format string, args ...any) { fmt.Fprintf(o.Progress, format+"\n", args...) }
	if p.Empty() {
		return &Result{}, nil
	}
	say("Performing move...")
	if err := checkUnchanged(ctx, "move", graphSides(o.From, o.To, p.source, p.target, o.ClusterName)...); err != nil {
		return nil, err
	}
	if len(p.Unpause) > 0 {
		return finishInterrupted(ctx, p)
	}
	from, to, groups := p.source, p.target, p.groups
	res := &Result{Groups: len(groups), Objects: from.Len()}

	// The lock first: a move refused for another one's writes nothing,
	// not even a backup.
	lock, err := AcquireLock(ctx, o.To, lockName(o.ClusterName), Holder(o.Now()), o.Now(), o.Progress)
	if err != nil {
		return nil, err
	}
	finished := false
	defer func() { lock.Settle(context.WithoutCancel(ctx), finished) }()
	say("Backing up %d objects to %s", from.Len()+to.Len(), o.BackupDir)
	if err := backupAndCheck(o, from, to); err != nil {
		finished = true // nothing was written: nothing to finish
		return nil, fmt.Errorf("backup failed, nothing was changed: %w", err)
	}
	res.BackupDir = o.BackupDir

	if err := pauseClusters(ctx, o.From, from, true); err != nil {
		return res, err
	}
	say("Creating objects in the target cluster")
	uids := map[objgraph.Key]types.UID{}
	for k, o := range to.Objects {
		uids[k] = o.GetUID()
	}
	for i, group := range groups {
		created, updated, err := createGroup(ctx, o.To, o.Parallelism, from, group, uids)
		res.Created += created
		res.Updated += updated
		if err != nil {
			return res, fmt.Errorf("creating group %d of %d: %w", i+1, len(groups), err)
		}
	}
	if err := checkArrived(ctx, o.To, from); err != nil {
		return res, err
	}
	say("Deleting objects from the source cluster")
	for i := len(groups) - 1; i >= 0; i-- {
		n, err := deleteGroup(ctx, o, from, groups[i])
		res.Deleted += n
		if err != nil {
			return res, fmt.Errorf("deleting from the %s cluster: %w", o.From.Name, err)
		}
	}
	if err := pauseClusters(ctx, o.To, movedClusters(from, to), false); err != nil {
		return res, err
	}
	finished = true
	say("Moved %d objects in %d groups: %d created, %d already there and updated, %d deleted from the %s cluster",
		res.Objects, res.Groups, res.Created, res.Updated, res.Deleted, o.From.Name)
	return res, nil
}

func (o *Pace) defaults() {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 32
	}
}

func name(cluster string) string {
	if cluster == "" {
		return "the namespace " + eksa.Namespace
	}
	return cluster
}

func lockName(cluster string) string {
	if cluster == "" {
		return "all"
	}
	return cluster
}

// plan describes the groups: counts by kind, in creation order.
func plan(g *Graph, groups [][]objgraph.Key) []string {
	var out []string
	for i, group := range groups {
		counts := map[string]int{}
		for _, k := range group {
			counts[k.Kind]++
		}
		kinds := make([]string, 0, len(counts))
		for kind, n := range counts {
			kinds = append(kinds, fmt.Sprintf("%s=%d", kind, n))
		}
		sort.Strings(kinds)
		out = append(out, fmt.Sprintf("group %d: %s", i+1, strings.Join(kinds, " ")))
	}
	return out
}

func backupAndCheck(o Options, from, to *Graph) error {
	sets := []backup.Set{{Source: o.From.Name, Objects: from.Sorted()}}
	if to.Len() > 0 {
		sets = append(sets, backup.Set{Source: o.To.Name, Objects: to.Sorted()})
	}
	m, err := backup.WriteRecording(o.BackupDir, o.ClusterName, o.ToolVersion, o.Now(), o.ClusterPauses, sets...)
	if err != nil {
		return err
	}
	objs, _, err := backup.Read(o.BackupDir)
	if err != nil {
		return err
	}
	if len(objs) != len(m.Objects) {
		return fmt.Errorf("backup holds %d objects, want %d", len(objs), len(m.Objects))
	}
	return nil
}

// pauseClusters sets spec.paused on the graph's Clusters: true on the source
// before anything is deleted (so KinD's controllers do not act on what is
// being deleted), false on the target at the end, as clusterctl does.
func pauseClusters(ctx context.Context, c *writable.Cluster, g *Graph, paused bool) error {
	clusters, ri, err := clustersOn(c, g)
	if err != nil || len(clusters) == 0 {
		return err
	}
	// Unpausing drops the field, as clusterctl and eksctl do, so no
	// field manager is left owning spec.paused: false.
	value := "null"
	if paused {
		value = "true"
	}
	patch := fmt.Appendf(nil, `{"spec":{"paused":%s}}`, value)
	// All at once, within a bound: one after another, 20 Clusters' pause
	// and unpause were a tenth of a move of 480 objects.
	var (
		mu   sync.Mutex
		errs []error
	)
	inParallel(pauseParallelism, clusters, func(_ int, cl *unstructured.Unstructured) {
		if _, err := ri.Patch(ctx, cl.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			mu.Lock()
			errs = append(errs, fmt.Errorf("setting spec.paused=%t on Cluster %s in the %s cluster: %w", paused, cl.GetName(), c.Name, err))
			mu.Unlock()
		}
	})
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return joinErrors(errs)
}

// pauseParallelism bounds the Cluster patches in flight.
const pauseParallelism = 16

// movedClusters are the Clusters the target holds once the move is done:
// the ones moved and the ones it held at the plan (an earlier, cut-off
// run's), both paused; checkArrived saw every moved one there. Taken from
// the plan rather than read again: the target is not written to while the
// source is emptied.
func movedClusters(from, to *Graph) *Graph {
	out := &Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for _, g := range []*Graph{from, to} {
		for _, cl := range g.Clusters() {
			out.Objects[objgraph.KeyOf(cl)] = cl
		}
	}
	return out
}

// checkArrived reads every object back from the target: success is what is
// there, never a nil error (clusterctl's move returns nil and moves nothing
// when CRD labels are missing).
func checkArrived(ctx context.Context, to *writable.Cluster, g *Graph) error {
	missing, err := notArrived(ctx, to, g)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d objects did not arrive on the %s cluster (%s); nothing was deleted from the source: rerun move",
			len(missing), to.Name, strings.Join(missing[:min(5, len(missing))], ", "))
	}
	return nil
}
