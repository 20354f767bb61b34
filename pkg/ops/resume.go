package ops

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/unpause"
)

// ResumeOptions are what a resume is asked for beyond the Env.
type ResumeOptions struct {
	// IncludePrePaused also clears the Clusters a backup from before the
	// failed run recorded paused.
	IncludePrePaused bool
}

// Resume reads both clusters, plans which pause markers to clear with the
// pre-run history the workspace's backups give, and describes the plan on
// Progress. A nil Plan means no marker that resume clears is set.
func Resume(ctx context.Context, e Env, o ResumeOptions) (*Plan, error) {
	snap := reader.Read(ctx, e.Management, e.Bootstrap, reader.Options{Timeout: e.Timeout, Now: e.Now()})
	changes, err := pause.Plan(pause.Input{Snapshot: snap, ClusterName: e.Workspace.ClusterName, Plugin: e.Plugin,
		History: pause.HistoryOf(e.Workspace.Backups), IncludePrePaused: o.IncludePrePaused})
	if err != nil {
		return nil, err
	}
	changes.Describe(e.progress())
	if changes.Empty() {
		return nil, nil
	}
	n, err := resumeNeedsOf(ctx, e, changes)
	if err != nil {
		return nil, err
	}
	if err := e.checkRights(ctx, "resume", n); err != nil {
		return nil, err
	}
	return &Plan{
		Name: "resume",
		Lines: []string{fmt.Sprintf("resume: back up the %d objects to a new %s, clear the %d pause markers listed above on the management cluster, read them back",
			len(changes.Objects), filepath.Join(eksa.Layout{Workspace: e.Workspace.Dir, Cluster: e.Workspace.ClusterName}.Dir(), eksa.ResumeBackupPrefix+"<time>"), changes.Count())},
		Question: fmt.Sprintf("Clear %d pause markers on %d objects of the management cluster?", changes.Count(), len(changes.Objects)),
		Ask:      true,
		run: func(ctx context.Context) (*Result, error) {
			target, err := e.Connect(ctx, e.Management)
			if err != nil {
				return nil, fmt.Errorf("%w; nothing was changed", err)
			}
			// Named and stamped after the answer, on the versions Apply
			// reads then: a prompt can wait a while, and a declined run
			// leaves no folder behind.
			at := e.Now()
			dir := BackupDir(e.Workspace, eksa.ResumeBackupPrefix, at)
			applied, err := unpause.Apply(ctx, target, changes, unpause.Options{
				BackupDir: dir, ToolVersion: e.ToolVersion, Now: at, Progress: e.progress(),
			})
			if applied == nil {
				return nil, err
			}
			return &Result{ok: err == nil, print: func(w io.Writer) error {
				for _, line := range applied.Resumed {
					if _, err := fmt.Fprintln(w, line); err != nil {
						return err
					}
				}
				return nil
			}}, err
		},
	}, nil
}

// resumeNeedsOf are the needs of clearing changes, each object's kind
// named as the management cluster serves it; connecting to ask is what
// Run does again after the answer.
func resumeNeedsOf(ctx context.Context, e Env, changes *pause.Changes) (needs, error) {
	mgmt, err := e.Connect(ctx, e.Management)
	if err != nil {
		return needs{}, err
	}
	var objects []rights.Resource
	var namespaces []string
	for _, ch := range changes.Objects {
		r := resourcesOf(mgmt, []schema.GroupKind{{Group: ch.Object.Group, Kind: ch.Object.Kind}})
		objects = append(objects, r...)
		for range r {
			namespaces = append(namespaces, ch.Object.Namespace)
		}
	}
	return resumeNeeds(objects, namespaces), nil
}
