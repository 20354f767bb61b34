// Package restore is `kubectl eksa-recover restore`: a backup folder's
// Cluster API objects back onto the management cluster, when neither
// cluster holds them any more.
package restore

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
)

const restoreLong = `Restore the cluster's Cluster API objects from a backup folder onto the
management cluster: for the Missing state, when a failed run (or
--force-cleanup) deleted KinD with the objects in it.

--from is required: which backup to trust is your call ('status' names the
newest one that holds objects). It takes this plugin's backups, whose
manifest's sha256 sums are checked before anything is written (a corrupt or
truncated backup is refused), and eksctl's and clusterctl's folders
(cluster-state-backup-*, bootstrap-cluster-state-backup-*, <cluster>-backup-*),
which have no manifest and are used unchecked. A folder named as this
plugin names its own (eksa-recover-*backup-*) whose manifest is missing is
refused unless --force: removing it is how a tampered backup would hide.

It refuses while KinD still holds the cluster's objects, or any object of the
backup: a restore would then make two live copies. Use 'move' for what KinD's
Cluster claims; what no Cluster there claims any more, delete from KinD. It checks the management cluster serves
every kind and that the backup's owner graph is whole, shows the plan and
asks, then creates what is missing in owner order, arriving paused. Objects
already there are left as they are unless --force. Once every object is read
back, it unpauses the Clusters it wrote, except those the backup recorded
paused, and verifies the result against the backup.

Exit codes: 0 when verified, 2 when the management cluster does not hold the
backup as it is, 1 when the input is wrong (the message names the fix).`

// RestoreOptions are restore's settings.
type RestoreOptions struct {
	opsenv.Options
	From  string
	Force bool
}

// NewRestoreOptions returns RestoreOptions with their defaults.
func NewRestoreOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *RestoreOptions {
	return &RestoreOptions{Options: opsenv.NewOptions(g, streams)}
}

// NewCmdRestore returns the restore command.
func NewCmdRestore(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewRestoreOptions(g, streams)
	cmd := &cobra.Command{
		Use:   "restore --from DIR",
		Short: "Restore the cluster's Cluster API objects from a backup folder onto the management cluster",
		Long:  restoreLong,
		Example: `  # The command 'status' prints for the Missing state, plan first
  kubectl eksa-recover restore --from cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00 --dry-run
  kubectl eksa-recover restore --from cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00`,
		Args: cobra.NoArgs,
		RunE: cmdutil.RunE(o),
	}
	f := cmd.Flags()
	f.StringVar(&o.From, "from", "", "Backup folder to restore from (required; 'status' names the newest)")
	f.BoolVar(&o.Force, "force", false, "Overwrite objects the management cluster already holds with the backup's, and use a plugin backup whose manifest is missing unchecked")
	o.AddFlags(f, "Print the plan (groups, counts, what is already there) and change nothing")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagDirname("from")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *RestoreOptions) Complete() error { return o.Options.Complete() }

// Validate has nothing left to check: --from is required by the flag, and
// the backup is read whole, checked against its manifest, before the plan.
func (o *RestoreOptions) Validate() error { return nil }

// Run reads the backup, plans once (KinD holds none of the objects, the
// target serves every kind, the graph is whole), prints the plan, asks,
// runs that plan, and prints the verification against the backup.
func (o *RestoreOptions) Run(ctx context.Context) error {
	plan, err := ops.Restore(ctx, o.Env(), ops.RestoreOptions{From: o.From, Force: o.Force})
	if err != nil {
		return err
	}
	return o.Apply(ctx, plan, "restore writes to the management cluster")
}
