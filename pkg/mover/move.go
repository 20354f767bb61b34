package mover

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Options drive one move.
type Options struct {
	From, To    *Cluster
	ClusterName string // "" moves the whole namespace
	// BackupDir is the new folder the backup is written to before any write.
	BackupDir   string
	ToolVersion string
	DryRun      bool
	Progress    io.Writer
	Now         func() time.Time
	// Parallelism bounds the creates within one group (default 8).
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
}

// Move moves the graph from o.From to o.To: backup (verified), lock, pause
// the source Clusters, create in the target group by group (updating what
// exists), check every object arrived, delete from the source in reverse
// order, unpause the target Clusters. Rerunning it after any interruption
// converges: what is on the target is updated, what is gone from the
// source is not needed any more.
func Move(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	say := func(format string, args ...any) { fmt.Fprintf(o.Progress, format+"\n", args...) }
	say("Performing move...")
	say("Discovering Cluster API objects")
	from, err := Read(ctx, o.From, o.ClusterName)
	if err != nil {
		return nil, err
	}
	to, err := Read(ctx, o.To, o.ClusterName)
	if err != nil {
		return nil, err
	}
	if from.Len() == 0 {
		if to.Len() == 0 {
			return nil, fmt.Errorf("no Cluster API objects of %s on the %s or the %s cluster: check --cluster-name, or restore from a backup", name(o.ClusterName), o.From.Name, o.To.Name)
		}
		say("Nothing to move: the %s cluster holds none of %s's objects, the %s cluster holds %d", o.From.Name, name(o.ClusterName), o.To.Name, to.Len())
		return &Result{}, nil
	}
	if err := preflight(from, o.To); err != nil {
		return nil, err
	}
	groups, err := from.Groups()
	if err != nil {
		return nil, err
	}
	res := &Result{Groups: len(groups), Objects: from.Len()}
	say("Moving Cluster API objects Clusters=%d", len(from.Clusters()))
	if o.DryRun {
		res.Plan = plan(from, groups)
		for _, line := range res.Plan {
			say("  %s", line)
		}
		say("Dry run: nothing was changed")
		return res, nil
	}

	say("Backing up %d objects to %s", from.Len()+to.Len(), o.BackupDir)
	if err := backupAndCheck(o, from, to); err != nil {
		return nil, fmt.Errorf("backup failed, nothing was changed: %w", err)
	}
	res.BackupDir = o.BackupDir
	lock, err := AcquireLock(ctx, o.To, lockName(o.ClusterName), Holder(o.Now()), o.Now(), o.Progress)
	if err != nil {
		return nil, err
	}
	defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()

	if err := pauseClusters(ctx, o.From, from, true); err != nil {
		return res, err
	}
	say("Creating objects in the target cluster")
	uids := map[Key]types.UID{}
	for k, o := range to.Objects {
		uids[k] = o.GetUID()
	}
	for i, group := range groups {
		created, updated, err := createGroup(ctx, o, from, group, uids)
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
	arrived, err := Read(ctx, o.To, o.ClusterName)
	if err != nil {
		return res, err
	}
	if err := pauseClusters(ctx, o.To, arrived, false); err != nil {
		return res, err
	}
	say("Moved %d objects in %d groups: %d created, %d already there and updated, %d deleted from the %s cluster",
		res.Objects, res.Groups, res.Created, res.Updated, res.Deleted, o.From.Name)
	return res, nil
}

func (o *Options) defaults() {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 8
	}
}

func name(cluster string) string {
	if cluster == "" {
		return "the namespace " + Namespace
	}
	return cluster
}

func lockName(cluster string) string {
	if cluster == "" {
		return "all"
	}
	return cluster
}

// preflight checks what clusterctl checks, with EKS-A's rules: the target
// serves every kind in the graph; the graph is whole. Machines without a
// NodeRef (external etcd) and paused Clusters are expected, not refused.
func preflight(g *Graph, target *Cluster) error {
	if err := g.CheckWhole(); err != nil {
		return err
	}
	var missing []string
	seen := map[schema.GroupKind]bool{}
	for _, k := range g.Keys() {
		gk := schema.GroupKind{Group: k.Group, Kind: k.Kind}
		if _, ok := target.Resources[gk]; !ok && !seen[gk] {
			seen[gk] = true
			missing = append(missing, gk.String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the %s cluster lacks the CRDs for %s: install those providers there first (nothing was changed)",
			target.Name, strings.Join(missing, ", "))
	}
	return nil
}

// plan describes the groups: counts by kind, in creation order.
func plan(g *Graph, groups [][]Key) []string {
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
	graphs := []Located{{Source: o.From.Name, Graph: from}}
	if to.Len() > 0 {
		graphs = append(graphs, Located{Source: o.To.Name, Graph: to})
	}
	m, err := WriteBackup(o.BackupDir, o.ClusterName, o.ToolVersion, o.Now(), graphs...)
	if err != nil {
		return err
	}
	objs, _, err := ReadBackup(o.BackupDir)
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
func pauseClusters(ctx context.Context, c *Cluster, g *Graph, paused bool) error {
	for _, cl := range g.Clusters() {
		ri, _, err := c.resource(schema.GroupKind{Group: "cluster.x-k8s.io", Kind: "Cluster"})
		if err != nil {
			return err
		}
		patch := fmt.Appendf(nil, `{"spec":{"paused":%t}}`, paused)
		if _, err := ri.Patch(ctx, cl.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			return fmt.Errorf("setting spec.paused=%t on Cluster %s in the %s cluster: %w", paused, cl.GetName(), c.Name, err)
		}
	}
	return nil
}

// createGroup creates (or updates) one group's objects on the target in
// parallel, recording their target UIDs for the next groups' owner references.
func createGroup(ctx context.Context, o Options, g *Graph, group []Key, uids map[Key]types.UID) (created, updated int, err error) {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, o.Parallelism)
	)
	mu.Lock()
	ownerUIDs := make(map[Key]types.UID, len(uids))
	for k, v := range uids {
		ownerUIDs[k] = v
	}
	mu.Unlock()
	for _, k := range group {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			uid, existed, err := createOne(ctx, o.To, g.Objects[k], ownerUIDs)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", k, err))
				return
			}
			uids[k] = uid
			if existed {
				updated++
			} else {
				created++
			}
		})
	}
	wg.Wait()
	return created, updated, errors.Join(errs...)
}

// createOne writes a copy of src on the target without status, server
// fields or the source's UIDs; an object already there is updated.
func createOne(ctx context.Context, to *Cluster, src *unstructured.Unstructured, ownerUIDs map[Key]types.UID) (types.UID, bool, error) {
	ri, res, err := to.resource(KeyOf(src).groupKind())
	if err != nil {
		return "", false, err
	}
	obj := src.DeepCopy()
	obj.SetAPIVersion(res.GVR.GroupVersion().String())
	delete(obj.Object, "status")
	for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
		unstructured.RemoveNestedField(obj.Object, "metadata", f)
	}
	if KeyOf(obj) == (Key{Group: "cluster.x-k8s.io", Kind: "Cluster", Name: obj.GetName()}) {
		// Arrive paused, whatever the graph was read as: the target's
		// controllers must not act until the source lets go (unpaused last).
		_ = unstructured.SetNestedField(obj.Object, true, "spec", "paused")
	}
	refs := obj.GetOwnerReferences()
	for i := range refs {
		uid, ok := ownerUIDs[ownerKey(refs[i])]
		if !ok {
			return "", false, fmt.Errorf("owner %s is not on the %s cluster yet", ownerKey(refs[i]), to.Name)
		}
		refs[i].UID = uid
	}
	obj.SetOwnerReferences(refs)
	created, err := ri.Create(ctx, obj, metav1.CreateOptions{})
	if err == nil {
		return created.GetUID(), false, nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return "", false, err
	}
	existing, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if err != nil {
		return "", false, err
	}
	obj.SetResourceVersion(existing.GetResourceVersion())
	obj.SetUID(existing.GetUID())
	if st, ok := existing.Object["status"]; ok {
		obj.Object["status"] = st // Update ignores it; keep the object honest
	}
	updated, err := ri.Update(ctx, obj, metav1.UpdateOptions{})
	if err != nil {
		return "", true, err
	}
	return updated.GetUID(), true, nil
}

// checkArrived reads every object back from the target: success is what is
// there, never a nil error (clusterctl's move returns nil and moves nothing
// when CRD labels are missing).
func checkArrived(ctx context.Context, to *Cluster, g *Graph) error {
	var missing []string
	for _, k := range g.Keys() {
		ri, _, err := to.resource(k.groupKind())
		if err != nil {
			return err
		}
		if _, err := ri.Get(ctx, k.Name, metav1.GetOptions{}); err != nil {
			missing = append(missing, k.String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d objects did not arrive on the %s cluster (%s); nothing was deleted from the source: rerun move",
			len(missing), to.Name, strings.Join(first(missing, 5), ", "))
	}
	return nil
}

func (k Key) groupKind() schema.GroupKind { return schema.GroupKind{Group: k.Group, Kind: k.Kind} }
