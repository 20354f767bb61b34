// Package verify is `kubectl eksa-recover verify`: step 6 of the manual
// procedure as a command.
package verify

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/move"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// NewCmdVerify returns the verify command.
func NewCmdVerify(g *globalflags.Global, streams genericiooptions.IOStreams) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that KinD holds none of the cluster's objects and management holds all of the newest backup's",
		Long: `Check that the KinD cluster holds none of the cluster's Cluster API objects and that the
management cluster holds every object of the newest backup (or --from) with equal
spec, labels, annotations and owners. Exit 0 when it does, 2 when it does not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := globalflags.Resolve(g)
			if err != nil {
				return err
			}
			dir := from
			if dir == "" {
				if dir = newestBackup(r.Workspace.Backups); dir == "" {
					return fmt.Errorf("no backup of %s in %s to verify against: pass --from", r.Workspace.ClusterName, r.Workspace.Dir)
				}
			}
			objs, _, err := backup.Read(dir)
			if errors.Is(err, backup.ErrNoManifest) {
				fmt.Fprintln(streams.ErrOut, backup.UncheckedNote(dir))
			} else if err != nil {
				return err
			}
			boot, mgmt, err := globalflags.ConnectBoth(cmd.Context(), r, false)
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.ErrOut, "Verifying against %s\n", dir)
			v, err := mover.Verify(cmd.Context(), boot, mgmt, r.Workspace.ClusterName, objs)
			if err != nil {
				return err
			}
			return move.Report(streams.Out, v, "bootstrap", "management")
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "Backup folder to verify against (default: the newest in the workspace)")
	return cmd
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
