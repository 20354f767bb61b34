// Package ops holds one engine per write operation (move, restore,
// resume): each plans from what the clusters and the backups show and
// returns a Plan, the lines it shows, the one question asked before it
// writes, and Run, which writes exactly that plan, reads back, verifies and
// returns a Result that prints itself. For picks the plan status
// recommends. The commands and recover share these engines, so that they
// cannot differ. It never parses flags and never asks: the command layer
// does both.
package ops

import (
	"context"
	"io"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Env is what every operation plans from: the located workspace, both
// clusters' sources and how to reach them.
type Env struct {
	Workspace             *workspace.Workspace
	Management, Bootstrap reader.Source
	// Connect opens a cluster's clients. It is the command layer's, which
	// bounds it by --request-timeout and names the flag that fixes a
	// refusal: every operation connects through it.
	Connect func(ctx context.Context, src reader.Source) (*writable.Cluster, error)
	// Timeout bounds each cluster's read.
	Timeout time.Duration
	// Plugin is how the user invokes the plugin, for the commands named in
	// refusals.
	Plugin      string
	ToolVersion string
	// Now stamps reads and backup folders (time.Now; tests swap it).
	Now func() time.Time
	// Progress receives the plan and the steps as they run (stderr).
	Progress io.Writer
	// DryRun: the plan will not run, so rights it lacks are reported on
	// Progress rather than refused (checkRights).
	DryRun bool
}

// Plan is one operation planned and not yet run.
type Plan struct {
	// Name is the command that makes this plan: move, restore or resume.
	Name string
	// Lines say what Run writes, one step a line.
	Lines []string
	// Question is asked before Run; Ask is false when Run writes nothing
	// that needs asking (a restore of objects all already there).
	Question string
	Ask      bool
	run      func(context.Context) (*Result, error)
}

// Run writes the plan made, and no other, then reads back and verifies.
// A Result comes back with an error when part was done (resume prints
// what it cleared before it stopped).
func (p *Plan) Run(ctx context.Context) (*Result, error) { return p.run(ctx) }

// Result is what an operation did, as read back.
type Result struct {
	ok    bool
	print func(io.Writer) error
}

// OK says the verification found the clusters as the plan meant them.
func (r *Result) OK() bool { return r.ok }

// Print writes the report of what was done and verified.
func (r *Result) Print(w io.Writer) error { return r.print(w) }

// BackupDir names a new backup folder of the cluster: <workspace>/<cluster>/<prefix><time>,
// or the first later second not taken.
func BackupDir(ws *workspace.Workspace, prefix string, at time.Time) string {
	return backup.FreeDir(eksa.Layout{Workspace: ws.Dir, Cluster: ws.ClusterName}, prefix, at)
}

// connectBoth opens both clusters. Without a KinD kubeconfig, boot is nil
// unless needBootstrap, when Connect refuses naming the flag.
func (e Env) connectBoth(ctx context.Context, needBootstrap bool) (boot, mgmt *writable.Cluster, err error) {
	if e.Bootstrap.Config != nil || needBootstrap {
		if boot, err = e.Connect(ctx, e.Bootstrap); err != nil {
			return nil, nil, err
		}
	}
	if mgmt, err = e.Connect(ctx, e.Management); err != nil {
		return nil, nil, err
	}
	return boot, mgmt, nil
}

func (e Env) progress() io.Writer {
	if e.Progress == nil {
		return io.Discard
	}
	return e.Progress
}
