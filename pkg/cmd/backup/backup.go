// Package backup is `kubectl eksa-recover backup`: the cluster's CAPI
// objects, from whichever cluster holds them, into a new folder. It changes
// nothing in either cluster (clusterctl's --to-directory pauses and
// unpauses the source: cluster-api #12742).
package backup

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// NewCmdBackup returns the backup command.
func NewCmdBackup(g *globalflags.Global, streams genericiooptions.IOStreams) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up the cluster's Cluster API objects from KinD and/or management, changing nothing",
		Long: `Write the cluster's Cluster API objects, and the Secrets and ConfigMaps that go
with them, into a new folder in clusterctl's directory format (one file per
object), with a manifest beside it holding a sha256 per file. Objects are read
from whichever cluster holds them, from both when a move was cut off. Nothing
in either cluster is changed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := globalflags.Resolve(g)
			if err != nil {
				return err
			}
			boot, mgmt, err := globalflags.ConnectBoth(cmd.Context(), r, false)
			if err != nil {
				return err
			}
			var graphs []backup.Set
			total := 0
			for _, c := range []*kube.Cluster{boot, mgmt} {
				if c == nil {
					continue
				}
				gr, err := mover.Read(cmd.Context(), c, r.Workspace.ClusterName)
				if err != nil {
					return err
				}
				if gr.Len() > 0 {
					graphs = append(graphs, backup.Set{Source: c.Name, Objects: gr.Sorted()})
					total += gr.Len()
				}
			}
			if total == 0 {
				return fmt.Errorf("neither cluster holds objects of %s: nothing to back up (check --cluster-name)", r.Workspace.ClusterName)
			}
			now := time.Now()
			if dir == "" {
				dir = eksa.Layout{Workspace: r.Workspace.Dir, Cluster: r.Workspace.ClusterName}.BackupDir(eksa.PluginBackupPrefix, now)
			}
			m, err := backup.Write(dir, r.Workspace.ClusterName, buildinfo.Get().Version, now, graphs...)
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "Backed up %d objects of %s to %s (manifest %s)\n", len(m.Objects), r.Workspace.ClusterName, dir, backup.ManifestPath(dir))
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "to", "", "New folder to write (default <workspace>/<cluster>/eksa-recover-backup-<time>)")
	return cmd
}
