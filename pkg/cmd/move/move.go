// Package move is `kubectl eksa-recover move`: the cluster's CAPI objects
// from KinD back to the management cluster, backed up first.
package move

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/confirm"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

const moveLong = `Move the cluster's Cluster API objects from the KinD bootstrap cluster to the
management cluster, as clusterctl move does, with EKS Anywhere's rules.

It first writes and checks a backup (<workspace>/<cluster>/eksa-recover-backup-<time>/,
clusterctl's directory format), then pauses the Clusters in KinD, creates every
object on management in owner order (updating what a cut-off move already
created), checks that all arrived, deletes them from KinD (marked
delete-for-move, so KinD's controllers leave the VMs alone), unpauses them on
management and verifies the result. Rerun it after any interruption: it converges.`

// Options are move's settings.
type Options struct {
	Global    *globalflags.Global
	DryRun    bool
	Yes       bool
	Reverse   bool
	All       bool
	BackupDir string
	genericiooptions.IOStreams
}

// NewCmdMove returns the move command.
func NewCmdMove(g *globalflags.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Global: g, IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "move",
		Short: "Move the cluster's Cluster API objects from KinD to the management cluster",
		Long:  moveLong,
		Example: `  # See the plan, then move
  kubectl eksa-recover move --dry-run
  kubectl eksa-recover move`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.Run(cmd) },
	}
	f := cmd.Flags()
	f.BoolVar(&o.DryRun, "dry-run", false, "Print the plan (groups and counts) and change nothing")
	confirm.AddYesFlag(f, &o.Yes)
	f.BoolVar(&o.Reverse, "reverse", false, "Move from the management cluster to KinD instead")
	f.BoolVar(&o.All, "all", false, "Move every cluster's objects in eksa-system, not only --cluster-name's")
	f.StringVar(&o.BackupDir, "backup-dir", "", "Folder for the backup taken first (default <workspace>/<cluster>/eksa-recover-backup-<time>)")
	return cmd
}

// Run moves, then verifies.
func (o *Options) Run(cmd *cobra.Command) error {
	ctx := cmd.Context()
	r, err := globalflags.Resolve(o.Global)
	if err != nil {
		return err
	}
	boot, mgmt, err := globalflags.ConnectBoth(ctx, r, true)
	if err != nil {
		return err
	}
	from, to := boot, mgmt
	if o.Reverse {
		from, to = mgmt, boot
	}
	cluster := r.Workspace.ClusterName
	if o.All {
		cluster = ""
	}
	now := time.Now()
	dir := o.BackupDir
	if dir == "" {
		// Named by the second: a rerun within the same second (a script
		// retrying a failed move) takes the next free name.
		layout := eksa.Layout{Workspace: r.Workspace.Dir, Cluster: r.Workspace.ClusterName}
		for at := now; dir == "" || exists(dir); at = at.Add(time.Second) {
			dir = layout.BackupDir(eksa.PluginBackupPrefix, at)
		}
	}
	if !o.DryRun {
		if err := checkBackupDir(dir); err != nil {
			return err
		}
	}
	opts := mover.Options{From: from, To: to, ClusterName: cluster, BackupDir: dir,
		ToolVersion: buildinfo.Get().Version, Pace: mover.Pace{Progress: o.ErrOut}, DryRun: true}
	plan, err := mover.Move(ctx, opts)
	if err != nil || (plan.Objects == 0 && len(plan.Unpause) == 0) {
		return err
	}
	if o.DryRun {
		fmt.Fprintln(o.ErrOut, "Dry run: nothing was changed")
		return nil
	}
	question := fmt.Sprintf("Move %d objects from the %s cluster to the %s cluster?", plan.Objects, from.Name, to.Name)
	if plan.Objects == 0 {
		question = fmt.Sprintf("Unpause Cluster %s on the %s cluster?", strings.Join(plan.Unpause, ", "), to.Name)
	}
	if err := confirm.Confirm(o.IOStreams, o.Yes, question, "move writes to both clusters"); err != nil {
		return err
	}
	opts.DryRun = false
	if res, err := mover.Move(ctx, opts); err != nil {
		if res == nil { // refused before its first write; the error names the fix
			return err
		}
		return fmt.Errorf("%w (the backup is in %s; rerun move to finish)", err, dir)
	}
	backup, _, err := backup.Read(dir)
	if err != nil {
		return err
	}
	v, err := mover.Verify(ctx, from, to, cluster, backup)
	if err != nil {
		return err
	}
	return Report(o.Out, v, from.Name, to.Name)
}
