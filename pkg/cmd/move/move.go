// Package move is `kubectl eksa-recover move`: the cluster's CAPI objects
// from KinD back to the management cluster, backed up first.
package move

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
)

const moveLong = `Move the cluster's Cluster API objects from the KinD bootstrap cluster to the
management cluster, as clusterctl move does, with EKS Anywhere's rules.

It first writes and checks a backup (<workspace>/<cluster>/eksa-recover-backup-<time>/,
clusterctl's directory format), then pauses the Clusters in KinD, creates every
object on management in owner order (updating what a cut-off move already
created), checks that all arrived, deletes them from KinD (marked
delete-for-move, so KinD's controllers leave the VMs alone), unpauses them on
management and verifies the result. Rerun it after any interruption: it converges.`

// MoveOptions are move's settings.
type MoveOptions struct {
	opsenv.Options
	Reverse   bool
	All       bool
	BackupDir string
}

// NewMoveOptions returns MoveOptions with their defaults.
func NewMoveOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *MoveOptions {
	return &MoveOptions{Options: opsenv.NewOptions(g, streams)}
}

// NewCmdMove returns the move command.
func NewCmdMove(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewMoveOptions(g, streams)
	cmd := &cobra.Command{
		Use:   "move",
		Short: "Move the cluster's Cluster API objects from KinD to the management cluster",
		Long:  moveLong,
		Example: `  # See the plan, then move
  kubectl eksa-recover move --dry-run
  kubectl eksa-recover move`,
		Args: cobra.NoArgs,
		RunE: cmdutil.RunE(o),
	}
	f := cmd.Flags()
	o.AddFlags(f, "Print the plan (groups and counts) and change nothing")
	f.BoolVar(&o.Reverse, "reverse", false, "Move from the management cluster to KinD instead")
	f.BoolVar(&o.All, "all", false, "Move every cluster's objects in eksa-system, not only --cluster-name's")
	f.StringVar(&o.BackupDir, "backup-dir", "", "Folder for the backup taken first (default <workspace>/<cluster>/eksa-recover-backup-<time>)")
	return cmd
}

// Complete locates the workspace, loads the kubeconfigs and names the
// backup folder.
func (o *MoveOptions) Complete() error {
	if err := o.Options.Complete(); err != nil {
		return err
	}
	if o.BackupDir == "" {
		o.BackupDir = ops.BackupDir(o.Resolved.Workspace, eksa.PluginBackupPrefix, o.Now())
	}
	return nil
}

// Validate refuses, before anything is read, a backup folder that cannot
// be created (a dry run writes none).
func (o *MoveOptions) Validate() error {
	if o.DryRun {
		return nil
	}
	return checkBackupDir(o.BackupDir)
}

// Run plans once, prints the plan, asks, runs that plan, then prints what
// the verification found.
func (o *MoveOptions) Run(ctx context.Context) error {
	plan, err := ops.Move(ctx, o.Env(), ops.MoveOptions{Reverse: o.Reverse, All: o.All, BackupDir: o.BackupDir})
	if err != nil || plan == nil {
		return err
	}
	return o.Apply(ctx, plan, "move writes to both clusters")
}
