package ops

import (
	"context"
	"fmt"
	"io"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
)

// RestoreOptions are what a restore is asked for beyond the Env.
type RestoreOptions struct {
	// From is the backup folder to restore from.
	From string
	// Force overwrites objects the management cluster already holds, and
	// takes a plugin-named folder whose manifest is missing (ReadBackup).
	Force bool
	// ThenResume are the pause markers on management a resume that may
	// follow without a question (recover) would clear: its rights are
	// checked with the restore's.
	ThenResume []pause.Marker
}

// Restore reads the backup whole, then plans its objects' restore onto
// the management cluster: KinD holds none of them, the management cluster
// serves every kind, the graph is whole. It prints the groups on Progress
// and writes nothing.
func Restore(ctx context.Context, e Env, o RestoreOptions) (*Plan, error) {
	objs, manifest, err := ReadBackup(o.From, o.Force, e.progress())
	if err != nil {
		return nil, err
	}
	boot, mgmt, err := e.connectBoth(ctx, false)
	if err != nil {
		return nil, err
	}
	rp, err := mover.PlanRestore(ctx, mover.RestoreOptions{
		To: mgmt, Bootstrap: boot, ClusterName: e.Workspace.ClusterName,
		Objects: objs, Manifest: manifest, Force: o.Force, Pace: mover.Pace{Progress: e.progress(), Now: e.Now},
	})
	if err != nil {
		return nil, err
	}
	var kind *side
	if boot != nil {
		s := sideOf(boot)
		kind = &s
	}
	n, op := restoreNeeds(resourcesOf(mgmt, rp.Kinds()), kind), "restore"
	if len(o.ThenResume) > 0 {
		op = "restore and the resume after it"
		n.management = append(n.management, resumeAfterNeeds(mgmt, o.ThenResume)...)
	}
	if err := e.checkRights(ctx, op, n); err != nil {
		return nil, err
	}
	question := fmt.Sprintf("Restore %d objects from %s to the %s cluster?", rp.Objects, o.From, mgmt.Name)
	if o.Force && len(rp.Existing) > 0 {
		question = fmt.Sprintf("Restore %d objects from %s to the %s cluster, overwriting %d already there?", rp.Objects, o.From, mgmt.Name, len(rp.Existing))
	}
	return &Plan{
		Name: "restore",
		Lines: []string{
			fmt.Sprintf("restore: create the %d objects of %s on the management cluster, in owner order", rp.Objects, o.From),
			"verify: the management cluster holds every object of the backup",
		},
		Question: question,
		Ask:      rp.Writes(),
		run: func(ctx context.Context) (*Result, error) {
			res, err := rp.Run(ctx)
			if err != nil {
				return nil, err
			}
			v, err := mover.VerifyRestore(ctx, mgmt, objs)
			if err != nil {
				return nil, err
			}
			return &Result{ok: v.OK(), print: func(w io.Writer) error { return PrintRestore(w, o.From, res, v) }}, nil
		},
	}, nil
}
