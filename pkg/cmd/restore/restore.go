// Package restore is `kubectl eksa-recover restore`: a backup folder's
// Cluster API objects back onto the management cluster, when neither
// cluster holds them any more.
package restore

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/confirm"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

const restoreLong = `Restore the cluster's Cluster API objects from a backup folder onto the
management cluster: for the Missing state, when a failed run (or
--force-cleanup) deleted KinD with the objects in it.

--from is required: which backup to trust is your call ('status' names the
newest one that holds objects). It takes this plugin's backups, whose
manifest's sha256 sums are checked before anything is written (a corrupt or
truncated backup is refused), and eksctl's and clusterctl's folders
(cluster-state-backup-*, bootstrap-cluster-state-backup-*, <cluster>-backup-*),
which have no manifest and are used unchecked.

It refuses while KinD still holds the cluster's objects: a restore would then
make two live copies, so use 'move'. It checks the management cluster serves
every kind and that the backup's owner graph is whole, shows the plan and
asks, then creates what is missing in owner order, arriving paused. Objects
already there are left as they are unless --force. Once every object is read
back, it unpauses the Clusters it wrote, except those the backup recorded
paused, and verifies the result against the backup.

Exit codes: 0 when verified, 2 when the management cluster does not hold the
backup as it is, 1 when the input is wrong (the message names the fix).`

// Options are restore's settings.
type Options struct {
	Global *globalflags.Global
	From   string
	Force  bool
	DryRun bool
	Yes    bool
	genericiooptions.IOStreams
}

// NewCmdRestore returns the restore command.
func NewCmdRestore(g *globalflags.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Global: g, IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "restore --from DIR",
		Short: "Restore the cluster's Cluster API objects from a backup folder onto the management cluster",
		Long:  restoreLong,
		Example: `  # The command 'status' prints for the Missing state, plan first
  kubectl eksa-recover restore --from cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00 --dry-run
  kubectl eksa-recover restore --from cluster3/bootstrap-cluster-state-backup-2024-04-15T11_48_00`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.Run(cmd) },
	}
	f := cmd.Flags()
	f.StringVar(&o.From, "from", "", "Backup folder to restore from (required; 'status' names the newest)")
	f.BoolVar(&o.Force, "force", false, "Overwrite objects the management cluster already holds with the backup's")
	f.BoolVar(&o.DryRun, "dry-run", false, "Print the plan (groups, counts, what is already there) and change nothing")
	confirm.AddYesFlag(f, &o.Yes)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagDirname("from")
	return cmd
}

// Run checks the backup, then the clusters, plans, asks, restores and verifies.
func (o *Options) Run(cmd *cobra.Command) error {
	ctx := cmd.Context()
	r, err := globalflags.Resolve(o.Global)
	if err != nil {
		return err
	}
	objs, manifest, err := backup.Read(o.From)
	switch {
	case errors.Is(err, backup.ErrNoManifest) && len(objs) == 0:
		return fmt.Errorf("%s holds no object files (clusterctl's <Kind>_<namespace>_<name>.yaml): pass a backup folder to --from", o.From)
	case errors.Is(err, backup.ErrNoManifest):
		fmt.Fprintln(o.ErrOut, backup.UncheckedNote(o.From))
	case err != nil:
		return err
	}
	boot, mgmt, err := globalflags.ConnectBoth(ctx, r, false)
	if err != nil {
		return err
	}
	name := r.Workspace.ClusterName
	if boot != nil {
		left, err := mover.Read(ctx, boot, name)
		if err != nil {
			return err
		}
		if left.Len() > 0 {
			return fmt.Errorf("the KinD cluster still holds %d of %s's objects: restoring would make two live copies; run `kubectl eksa-recover move` instead (nothing was changed)", left.Len(), name)
		}
	}
	opts := mover.RestoreOptions{To: mgmt, Objects: objs, Manifest: manifest, Force: o.Force, DryRun: true, Pace: mover.Pace{Progress: o.ErrOut}}
	plan, err := mover.Restore(ctx, opts)
	if err != nil {
		return err
	}
	if o.DryRun {
		fmt.Fprintln(o.ErrOut, "Dry run: nothing was changed")
		return nil
	}
	if toWrite := plan.Objects - len(plan.Existing); toWrite > 0 || o.Force {
		question := fmt.Sprintf("Restore %d objects from %s to the %s cluster?", plan.Objects, o.From, mgmt.Name)
		if o.Force && len(plan.Existing) > 0 {
			question = fmt.Sprintf("Restore %d objects from %s to the %s cluster, overwriting %d already there?", plan.Objects, o.From, mgmt.Name, len(plan.Existing))
		}
		if err := confirm.Confirm(o.IOStreams, o.Yes, question, "restore writes to the management cluster"); err != nil {
			return err
		}
	}
	opts.DryRun = false
	res, err := mover.Restore(ctx, opts)
	if err != nil {
		return err
	}
	v, err := mover.VerifyRestore(ctx, mgmt, objs)
	if err != nil {
		return err
	}
	return report(o.Out, o.From, res, v)
}

// report prints what was restored and whether the management cluster now
// holds the backup; exit 2 when it does not.
func report(w io.Writer, from string, res *mover.RestoreResult, v *mover.Verification) error {
	fmt.Fprintf(w, "Restored %d objects from %s: %d created, %d already there and skipped, %d updated\n",
		res.Objects, from, res.Created, res.Skipped, res.Updated)
	if len(res.Unpaused) > 0 {
		fmt.Fprintf(w, "Unpaused: %s\n", strings.Join(res.Unpaused, ", "))
	}
	if len(res.LeftPaused) > 0 {
		fmt.Fprintf(w, "Left paused, as the backup recorded them: %s\n", strings.Join(res.LeftPaused, ", "))
	}
	if v.OK() {
		fmt.Fprintf(w, "Verified: the management cluster holds all %d objects, as backed up\n", v.Checked)
		return nil
	}
	fmt.Fprintln(w, "Not verified:")
	if len(v.MissingOnTarget) > 0 {
		fmt.Fprintf(w, "  missing on the management cluster (%d): %s\n", len(v.MissingOnTarget), strings.Join(v.MissingOnTarget, ", "))
	}
	if len(v.Differs) > 0 {
		hint := ""
		if res.Skipped > 0 {
			hint = " (those that were already there were skipped: --force overwrites them)"
		}
		fmt.Fprintf(w, "  different from the backup (%d): %s%s\n", len(v.Differs), strings.Join(v.Differs, ", "), hint)
	}
	return exitcode.NotReady
}
