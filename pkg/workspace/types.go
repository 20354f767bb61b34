// Package workspace finds what eksctl left in the folder it ran in: the
// kubeconfigs of both clusters, the cluster spec, the checkpoint, backups and
// logs, by eksctl's own layout (package eksa).
package workspace

import "time"

// Workspace is what was found for one cluster. A missing piece is noted, not
// fatal: there may still be something to inspect.
type Workspace struct {
	Dir         string
	ClusterName string
	// Paths, empty when the file is missing (and no flag named one).
	ManagementKubeconfig string
	ManagementContext    string
	BootstrapKubeconfig  string
	BootstrapContext     string
	ClusterSpec          string
	LogsDir              string
	Checkpoint           *Checkpoint
	Backups              []Backup // newest first
	// Notes list pieces that were looked for and not found.
	Notes []string
}

// Checkpoint is eksctl's record of the tasks a failed run completed.
type Checkpoint struct {
	Path      string
	Completed []string // in task order
	// FailedAt is the first upgrade task not completed: where the run died.
	FailedAt string
}

// BackupSource says who wrote a backup folder.
type BackupSource string

// Backup folder writers (docs/eksa-facts.md, "Files eksctl writes").
const (
	// BackupManagement: eksctl v0.15-v0.18, from management before the move.
	BackupManagement BackupSource = "eksctl-management"
	// BackupBootstrap: eksctl v0.16.5+, from KinD when the upgrade failed.
	BackupBootstrap BackupSource = "eksctl-bootstrap"
	// BackupCluster: eksctl v0.19+.
	BackupCluster BackupSource = "eksctl"
	// BackupPlugin: this plugin's own, with a manifest.
	BackupPlugin BackupSource = "eksa-recover"
)

// Backup is one backup folder in clusterctl's directory format.
type Backup struct {
	Path    string
	Source  BackupSource
	Time    time.Time
	Objects int // files in it, one per object
	// Pauses is what a backup of this plugin's recorded of the Clusters'
	// spec.paused; nil for eksctl's and for one without a manifest.
	Pauses *PauseRecord
}
