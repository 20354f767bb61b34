package ops

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// MoveOptions are what a move is asked for beyond the Env.
type MoveOptions struct {
	// Reverse moves from the management cluster to KinD.
	Reverse bool
	// All moves every cluster's objects in eksa-system.
	All bool
	// BackupDir is the new folder the move backs up to first; "" names
	// one (BackupDir with eksa.PluginBackupPrefix).
	BackupDir string
	// ThenResume are the pause markers on management a resume that may
	// follow without a question (recover) would clear: its rights are
	// checked with the move's.
	ThenResume []pause.Marker
}

// Move plans a move of the cluster's Cluster API objects from KinD to the
// management cluster (or back): it reads both once, prints the groups on
// Progress and writes nothing. A nil Plan means nothing is left to move.
func Move(ctx context.Context, e Env, o MoveOptions) (*Plan, error) {
	boot, mgmt, err := e.connectBoth(ctx, true)
	if err != nil {
		return nil, err
	}
	from, to := boot, mgmt
	if o.Reverse {
		from, to = mgmt, boot
	}
	cluster := e.Workspace.ClusterName
	if o.All {
		cluster = ""
	}
	dir := o.BackupDir
	if dir == "" {
		dir = BackupDir(e.Workspace, eksa.PluginBackupPrefix, e.Now())
	}
	pauses, err := ClusterPauses(ctx, mgmt)
	if err != nil {
		return nil, err
	}
	mp, err := mover.PlanMove(ctx, mover.Options{From: from, To: to, ClusterName: cluster, BackupDir: dir,
		ToolVersion: e.ToolVersion, ClusterPauses: pauses, Pace: mover.Pace{Progress: e.progress(), Now: e.Now}})
	if err != nil || mp.Empty() {
		return nil, err
	}
	source, target := moveNeeds(sideOf(from), sideOf(to), resourcesOf(from, mp.Kinds()))
	n := needs{management: target, bootstrap: source}
	if o.Reverse {
		n = needs{management: source, bootstrap: target}
	}
	op := "move"
	if len(o.ThenResume) > 0 {
		op = "move and the resume after it"
		n.management = append(n.management, resumeAfterNeeds(mgmt, o.ThenResume)...)
	}
	if err := e.checkRights(ctx, op, n); err != nil {
		return nil, err
	}
	question := fmt.Sprintf("Move %d objects from the %s cluster to the %s cluster?", mp.Objects(), from.Name, to.Name)
	if mp.Objects() == 0 {
		question = fmt.Sprintf("Unpause Cluster %s on the %s cluster?", strings.Join(mp.Unpause, ", "), to.Name)
	}
	return &Plan{
		Name: "move",
		Lines: []string{
			fmt.Sprintf("move: back up the cluster's objects to %s, create the %d objects on %s in the groups above, delete them from %s",
				dir, mp.Objects(), where(to), where(from)),
			fmt.Sprintf("verify: %s holds every object of the backup, %s none", where(to), where(from)),
		},
		Question: question,
		Ask:      true,
		run: func(ctx context.Context) (*Result, error) {
			if res, err := mp.Run(ctx); err != nil {
				if res == nil { // refused before its first write; the error names the fix
					return nil, err
				}
				return nil, fmt.Errorf("%w (the backup is in %s; rerun move to finish)", err, dir)
			}
			objs, _, err := ReadBackup(dir, false, e.progress())
			if err != nil {
				return nil, err
			}
			v, err := mover.Verify(ctx, from, to, cluster, objs)
			if err != nil {
				return nil, err
			}
			return &Result{ok: v.OK(), print: func(w io.Writer) error { return PrintVerification(w, v, from.Name, to.Name) }}, nil
		},
	}, nil
}

// where names a cluster as the plan's lines do.
func where(c *writable.Cluster) string {
	if c.Name == string(snapshot.Bootstrap) {
		return "KinD"
	}
	return "the " + c.Name + " cluster"
}
