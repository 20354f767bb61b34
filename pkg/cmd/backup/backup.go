// Package backup is `kubectl eksa-recover backup`: the cluster's CAPI
// objects, from whichever cluster holds them, into a new folder. It changes
// nothing in either cluster (clusterctl's --to-directory pauses and
// unpauses the source: cluster-api #12742).
package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	backupfolder "github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
)

// BackupOptions are backup's settings.
type BackupOptions struct {
	cmdutil.CommandOptions
	// To is the new folder to write; "" is <workspace>/<cluster>/eksa-recover-backup-<time>.
	To string
	// Now stamps the backup (time.Now; tests swap it).
	Now func() time.Time
}

// NewBackupOptions returns BackupOptions with their defaults.
func NewBackupOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *BackupOptions {
	return &BackupOptions{CommandOptions: cmdutil.NewCommandOptions(g, streams), Now: time.Now}
}

// NewCmdBackup returns the backup command.
func NewCmdBackup(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewBackupOptions(g, streams)
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up the cluster's Cluster API objects from KinD and/or management, changing nothing",
		Long: `Write the cluster's Cluster API objects, and the Secrets and ConfigMaps that go
with them, into a new folder in clusterctl's directory format (one file per
object), with a manifest beside it holding a sha256 per file. Objects are read
from whichever cluster holds them, from both when a move was cut off. Nothing
in either cluster is changed.`,
		Args: cobra.NoArgs,
		RunE: cmdutil.RunE(o),
	}
	cmd.Flags().StringVar(&o.To, "to", "", "New folder to write (default <workspace>/<cluster>/eksa-recover-backup-<time>)")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *BackupOptions) Complete() error { return o.CommandOptions.Complete() }

// Validate refuses a --to that exists, or whose manifest does, before the
// clusters are read (Write refuses it again, should one appear since).
func (o *BackupOptions) Validate() error {
	if o.To == "" {
		return nil
	}
	return backupfolder.CheckNew(o.To)
}

// Run reads whichever clusters answer and writes their objects.
func (o *BackupOptions) Run(ctx context.Context) error {
	r := o.Resolved
	boot, mgmt, err := opsenv.ConnectBoth(ctx, r, false)
	if err != nil {
		return err
	}
	var sets []backupfolder.Set
	total := 0
	// Both at once: what one side's objects reference and only the other
	// holds is the cluster's too (mover.ReadBoth).
	gBoot, gMgmt, _, err := mover.ReadBoth(ctx, boot, mgmt, r.Workspace.ClusterName)
	if err != nil {
		return err
	}
	for i, c := range []*writable.Cluster{boot, mgmt} {
		gr := []*mover.Graph{gBoot, gMgmt}[i]
		if c != nil && gr.Len() > 0 {
			sets = append(sets, backupfolder.Set{Source: c.Name, Objects: gr.Sorted()})
			total += gr.Len()
		}
	}
	if total == 0 {
		return fmt.Errorf("neither cluster holds objects of %s: nothing to back up (check --cluster-name)", r.Workspace.ClusterName)
	}
	pauses, err := ops.ClusterPauses(ctx, mgmt)
	if err != nil {
		return err
	}
	now := o.Now()
	dir := o.To
	if dir == "" {
		dir = ops.BackupDir(r.Workspace, eksa.PluginBackupPrefix, now)
	}
	m, err := backupfolder.WriteRecording(dir, r.Workspace.ClusterName, buildinfo.Get().Version, now, pauses, sets...)
	if err != nil {
		return err
	}
	return ops.PrintBackup(o.Out, r.Workspace.ClusterName, dir, m)
}
