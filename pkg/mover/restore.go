package mover

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// RestoreOptions drive one restore from a backup folder's objects.
type RestoreOptions struct {
	To      *writable.Cluster
	Objects []*unstructured.Unstructured // as ReadBackup returns them
	// Manifest is the backup's (nil for eksctl's folders): its
	// PausedClusters say which Clusters were paused when it was written.
	Manifest *backup.Manifest
	// Bootstrap, when set, is the KinD cluster: it must hold none of
	// ClusterName's objects ("" the namespace's) and none of Objects, when
	// the plan is made and at the first write, or a restore would make two
	// live copies.
	Bootstrap   *writable.Cluster
	ClusterName string
	// Force updates objects the target already holds; without it they are
	// left as they are, counted and listed. DryRun makes Restore stop
	// after the plan; PlanRestore and Run ignore it.
	Force, DryRun bool
	Pace
}

// RestoreResult says what a restore did, read back from the server.
type RestoreResult struct {
	Groups   int
	Objects  int // in the backup
	Clusters []string
	// Existing lists the objects the target held before the restore:
	// skipped without Force, updated with it.
	Existing []string
	Created  int
	Updated  int
	Skipped  int
	// Unpaused are the Clusters restored and resumed; LeftPaused those the
	// backup recorded paused, which stay paused.
	Unpaused, LeftPaused []string
	Plan                 []string // one line per group
}

// RestorePlan is a restore read once and shown: the backup's graph in
// creation order, and which of its objects the target held when it was
// made (whole, with resourceVersions). Run executes this plan and no other.
type RestorePlan struct {
	o        RestoreOptions
	g        *Graph
	groups   [][]objgraph.Key
	existing map[objgraph.Key]*unstructured.Unstructured
	left     *Graph // KinD's, as read (empty)
	// Objects, Clusters, Existing and Plan say what it will do.
	RestoreResult
}

// Restore plans a restore and, unless o.DryRun, runs that plan without
// asking: for callers that confirm nothing (scripts, tests).
func Restore(ctx context.Context, o RestoreOptions) (*RestoreResult, error) {
	p, err := PlanRestore(ctx, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		res := p.RestoreResult
		return &res, nil
	}
	return p.Run(ctx)
}

// PlanRestore checks, before any write, that the backup's objects belong
// in eksa-system, that KinD (o.Bootstrap, when set) holds none of
// o.ClusterName's objects and none of the backup's (kindHolds), that the target serves every kind and that the
// graph is whole; it reads which objects the target holds already and
// prints the plan on o.Progress. It writes nothing.
func PlanRestore(ctx context.Context, o RestoreOptions) (*RestorePlan, error) {
	o.defaults()
	say := func(format string, args ...any) { fmt.Fprintf(o.Progress, format+"\n", args...) }
	g, err := graphOf(o.Objects)
	if err != nil {
		return nil, err
	}
	p := &RestorePlan{o: o, g: g}
	if o.Bootstrap != nil {
		var claimed int
		if p.left, claimed, err = kindHolds(ctx, o.Bootstrap, g, o.ClusterName); err != nil {
			return nil, err
		}
		if p.left.Len() > 0 {
			return nil, errKindHolds(p.left, claimed, o.ClusterName)
		}
	}
	if err := preflight(ctx, g, o.To); err != nil {
		return nil, err
	}
	if p.groups, err = g.Groups(); err != nil {
		return nil, err
	}
	if p.existing, err = listKeys(ctx, o.To, g); err != nil {
		return nil, err
	}
	if o.Force {
		if err := errHardwareClashes(hardwareClashes(g, p.existing), "restore"); err != nil {
			return nil, err
		}
	}
	p.RestoreResult = RestoreResult{Groups: len(p.groups), Objects: g.Len(), Plan: plan(g, p.groups)}
	for _, c := range g.Clusters() {
		p.Clusters = append(p.Clusters, c.GetName())
	}
	for k := range p.existing {
		p.Existing = append(p.Existing, k.String())
	}
	slices.Sort(p.Existing)

	say("Planning the restore of %d objects to the %s cluster Clusters=%s", g.Len(), o.To.Name, strings.Join(p.Clusters, ","))
	for _, line := range p.Plan {
		say("  %s", line)
	}
	if n := len(p.existing); n > 0 {
		verb := "skipped (--force updates them)"
		if o.Force {
			verb = "updated (--force)"
		}
		say("%d already on the %s cluster, %s: %s", n, o.To.Name, verb, strings.Join(p.Existing[:min(5, len(p.Existing))], ", "))
	}
	return p, nil
}

// Writes says whether running the plan writes any object: not when the
// target holds them all and Force is off.
func (p *RestorePlan) Writes() bool { return len(p.existing) < p.g.Len() || p.o.Force }

// Run executes the plan: it reads the target (and KinD) again and stops,
// writing nothing, if either changed since the plan (drift.go); then it
// creates the backup's objects on the target, owners first, rewriting owner
// references to the target's UIDs. Objects already there are skipped
// unless Force. Clusters arrive paused; see unpauseRestored for which are
// resumed at the end.
func (p *RestorePlan) Run(ctx context.Context) (*RestoreResult, error) {
	o, g, groups, existing := p.o, p.g, p.groups, p.existing
	say := func(format string, args ...any) { fmt.Fprintf(o.Progress, format+"\n", args...) }
	res := &RestoreResult{Groups: p.Groups, Objects: p.Objects, Clusters: p.Clusters, Existing: p.Existing, Plan: p.Plan}
	say("Restoring %d objects to the %s cluster Clusters=%s", g.Len(), o.To.Name, strings.Join(res.Clusters, ","))
	sides := []readSide{keysSide(o.To, g, existing)}
	if o.Bootstrap != nil {
		sides = append(sides, kindSide(o.Bootstrap, g, p.left, o.ClusterName))
	}
	if err := checkUnchanged(ctx, "restore", sides...); err != nil {
		return nil, err
	}
	if !p.Writes() {
		res.Skipped = g.Len()
		say("Nothing to restore: the %s cluster holds all %d objects already", o.To.Name, g.Len())
		return res, nil
	}

	locks, err := lockClusters(ctx, o, res.Clusters)
	defer func() {
		for _, l := range locks {
			_ = l.Release(context.WithoutCancel(ctx))
		}
	}()
	if err != nil {
		return nil, err
	}
	say("Creating objects in the %s cluster", o.To.Name)
	uids := make(map[objgraph.Key]types.UID, g.Len())
	for k, u := range existing {
		uids[k] = u.GetUID()
	}
	written := map[objgraph.Key]bool{}
	for i, group := range groups {
		var write []objgraph.Key
		for _, k := range group {
			if _, there := existing[k]; there && !o.Force {
				res.Skipped++
				continue
			}
			write = append(write, k)
			written[k] = true
		}
		created, updated, err := createGroup(ctx, o.To, o.Parallelism, g, write, uids)
		res.Created += created
		res.Updated += updated
		if err != nil {
			return res, fmt.Errorf("creating group %d of %d: %w (rerun restore: what arrived is skipped)", i+1, len(groups), err)
		}
	}
	missing, err := notArrived(ctx, o.To, g)
	if err != nil {
		return res, err
	}
	if len(missing) > 0 {
		return res, fmt.Errorf("%d objects are not on the %s cluster after the restore (%s); its Clusters stay paused: rerun restore",
			len(missing), o.To.Name, strings.Join(missing[:min(5, len(missing))], ", "))
	}
	if err := unpauseRestored(ctx, o, g, written, res); err != nil {
		return res, err
	}
	say("Restored %d objects in %d groups: %d created, %d already there and skipped, %d updated",
		res.Objects, res.Groups, res.Created, res.Skipped, res.Updated)
	return res, nil
}

// graphOf turns a backup's objects into a graph, refusing what a restore
// could only write wrongly: an object outside eksa-system (the mover writes
// there only) or the same object twice.
func graphOf(objs []*unstructured.Unstructured) (*Graph, error) {
	if len(objs) == 0 {
		return nil, fmt.Errorf("the backup holds no objects: restore from another backup")
	}
	g := &Graph{Objects: make(map[objgraph.Key]*unstructured.Unstructured, len(objs))}
	for _, o := range objs {
		k := objgraph.KeyOf(o)
		if ns := o.GetNamespace(); ns != eksa.Namespace {
			return nil, fmt.Errorf("%s is in namespace %q, not %s: this is not a backup of EKS Anywhere's Cluster API objects (nothing was changed)", k, ns, eksa.Namespace)
		}
		if _, dup := g.Objects[k]; dup {
			return nil, fmt.Errorf("the backup holds %s twice (nothing was changed): remove one of its files", k)
		}
		g.Objects[k] = o
	}
	return g, nil
}

// lockClusters takes move's lock for each Cluster in the backup, so a move
// and a restore of the same cluster never write at once.
func lockClusters(ctx context.Context, o RestoreOptions, clusters []string) ([]*Lock, error) {
	if len(clusters) == 0 {
		clusters = []string{lockName("")}
	}
	var locks []*Lock
	for _, c := range clusters {
		l, err := acquireLock(ctx, o.To, c, OperationRestore, Holder(o.Now()), o.Now(), o.Progress)
		if err != nil {
			return locks, err
		}
		locks = append(locks, l)
	}
	return locks, nil
}

// unpauseRestored resumes the Clusters this restore wrote, once every
// object of the backup has been read back from the target. Why that is safe,
// and why no more:
//   - a Cluster whose objects are all there gives its controllers what the
//     backup saw: the same Machines, so they adopt the running VMs instead of
//     creating new ones. Restore returns before this when anything is missing.
//   - a Cluster the backup recorded paused stays paused: whoever paused it
//     (eksctl mid-upgrade, a user) had a reason the backup cannot tell. With a
//     manifest that is Manifest.PausedClusters; without one (clusterctl's
//     format) the file's own spec.paused, which clusterctl sets while it
//     writes a backup, so eksctl's backups restore paused: `status` then
//     names `resume`, one command away, while resuming a stale backup's
//     Cluster could let its controllers roll machines before anyone looked.
//   - a Cluster that was already on the target and skipped is not touched.
func unpauseRestored(ctx context.Context, o RestoreOptions, g *Graph, written map[objgraph.Key]bool, res *RestoreResult) error {
	recorded := map[string]bool{}
	if o.Manifest != nil {
		for _, c := range o.Manifest.PausedClusters {
			recorded[c] = true
		}
	}
	resume := &Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
	for _, c := range g.Clusters() {
		k := objgraph.KeyOf(c)
		if !written[k] {
			continue
		}
		paused, _, _ := unstructured.NestedBool(c.Object, "spec", "paused")
		if recorded[c.GetName()] || (o.Manifest == nil && paused) {
			res.LeftPaused = append(res.LeftPaused, c.GetName())
			fmt.Fprintf(o.Progress, "Cluster %s stays paused: the backup recorded it paused; `status` shows what is left to resume\n", c.GetName())
			continue
		}
		resume.Objects[k] = c
		res.Unpaused = append(res.Unpaused, c.GetName())
	}
	return pauseClusters(ctx, o.To, resume, false)
}
