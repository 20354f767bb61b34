// Package verify is `kubectl eksa-recover verify`: step 6 of the manual
// procedure as a command.
package verify

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// VerifyOptions are verify's settings.
type VerifyOptions struct {
	cmdutil.CommandOptions
	// From is the backup folder to verify against; "" is the workspace's newest.
	From string
}

// NewVerifyOptions returns VerifyOptions with their defaults.
func NewVerifyOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *VerifyOptions {
	return &VerifyOptions{CommandOptions: cmdutil.NewCommandOptions(g, streams)}
}

// NewCmdVerify returns the verify command.
func NewCmdVerify(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewVerifyOptions(g, streams)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that KinD holds none of the cluster's objects and management holds all of the newest backup's",
		Long: `Check that the KinD cluster holds none of the cluster's Cluster API objects and that the
management cluster holds every object of the newest backup (or --from) with equal
spec, labels, annotations and owners, and every object the cluster's objects there
reference (spec.controlPlaneRef, ...). Exit 0 when it does, 2 when it does not.`,
		Args: cobra.NoArgs,
		RunE: cmdutil.RunE(o),
	}
	cmd.Flags().StringVar(&o.From, "from", "", "Backup folder to verify against (default: the newest in the workspace)")
	return cmd
}

// Complete locates the workspace, loads the kubeconfigs and picks the
// backup: --from, or the workspace's newest.
func (o *VerifyOptions) Complete() error {
	if err := o.CommandOptions.Complete(); err != nil {
		return err
	}
	if o.From == "" {
		o.From = newestBackup(o.Resolved.Workspace.Backups)
	}
	return nil
}

// Validate needs a backup to verify against.
func (o *VerifyOptions) Validate() error {
	if o.From == "" {
		ws := o.Resolved.Workspace
		return fmt.Errorf("no backup of %s in %s to verify against: pass --from", ws.ClusterName, ws.Dir)
	}
	return nil
}

// Run reads the backup, then both clusters, and prints the verification;
// exit 2 when it failed.
func (o *VerifyOptions) Run(ctx context.Context) error {
	// Verifying changes nothing: a plugin-named folder without its
	// manifest is read unchecked, said so, rather than refused.
	objs, _, err := ops.ReadBackup(o.From, true, o.ErrOut)
	if err != nil {
		return err
	}
	boot, mgmt, err := opsenv.ConnectBoth(ctx, o.Resolved, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.ErrOut, "Verifying against %s\n", o.From)
	v, err := mover.Verify(ctx, boot, mgmt, o.Resolved.Workspace.ClusterName, objs)
	if err != nil {
		// A read refused on both clusters is two errors; the contract is
		// one line naming the fix.
		return rights.ReadRefused("verify", err)
	}
	if err := ops.PrintVerification(o.Out, v, "bootstrap", "management"); err != nil {
		return err
	}
	if !v.OK() {
		return exitcode.NotReady
	}
	return nil
}

// newestBackup prefers the plugin's own backups (they have a manifest).
func newestBackup(backups []workspace.Backup) string {
	for _, b := range backups {
		if b.Source == workspace.BackupPlugin && b.Objects > 0 {
			return b.Path
		}
	}
	for _, b := range backups {
		if b.Objects > 0 {
			return b.Path
		}
	}
	return ""
}
