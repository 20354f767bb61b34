// Package eksa holds what the plugin knows of EKS Anywhere and Cluster API
// as names and facts: where eksctl writes its files, the upgrade's task
// names, the namespace, API groups, labels and annotations (the pause
// markers among them). Facts, not behaviour: it reads nothing and decides
// nothing. Every other package, and the test world that imitates eksctl,
// reads the names from here, so no two copies can drift apart.
// docs/eksa-facts.md says where each fact comes from.
package eksa

import (
	"path/filepath"
	"time"
)

// BackupTimeFormat is the timestamp eksctl puts in backup folder names.
const BackupTimeFormat = "2006-01-02T15_04_05"

// Backup folder prefixes, by the eksctl era that writes them.
const (
	// ManagementBackupPrefix: v0.15-v0.18, from management before the move.
	ManagementBackupPrefix = "cluster-state-backup-"
	// BootstrapBackupPrefix: v0.16.5+, from KinD when the upgrade failed.
	BootstrapBackupPrefix = "bootstrap-cluster-state-backup-"
	// PluginBackupPrefix: this plugin's own backups.
	PluginBackupPrefix = "eksa-recover-backup-"
	// ResumeBackupPrefix: what resume backs up before it patches. Not
	// PluginBackupPrefix: the workspace lists those as backups of the
	// cluster's CAPI objects, and verify and restore take the newest of
	// them, which would then be a handful of EKS-A objects.
	ResumeBackupPrefix = "eksa-recover-resume-backup-"
)

// BackupManifestSuffix names a plugin backup's manifest, beside its
// folder (<folder>.manifest.json): inside it, clusterctl's
// --from-directory would read the manifest as an object.
const BackupManifestSuffix = ".manifest.json"

// ClusterBackupPrefix is v0.19+'s backup folder prefix, `<cluster>-backup-`.
func ClusterBackupPrefix(cluster string) string { return cluster + "-backup-" }

// Layout names the files eksctl writes for one cluster, relative to the
// folder eksctl ran in (its workspace).
type Layout struct {
	Workspace string
	Cluster   string
}

// Dir is the cluster's folder.
func (l Layout) Dir() string { return filepath.Join(l.Workspace, l.Cluster) }

// GeneratedDir holds the KinD kubeconfig, the generated CAPI spec and the checkpoint.
func (l Layout) GeneratedDir() string { return filepath.Join(l.Dir(), "generated") }

// ManagementKubeconfig is the management (or workload) cluster's kubeconfig.
func (l Layout) ManagementKubeconfig() string {
	return filepath.Join(l.Dir(), l.Cluster+"-eks-a-cluster.kubeconfig")
}

// BootstrapKubeconfig is the KinD bootstrap cluster's kubeconfig.
func (l Layout) BootstrapKubeconfig() string {
	return filepath.Join(l.GeneratedDir(), l.Cluster+".kind.kubeconfig")
}

// ClusterSpec is the EKS-A cluster spec eksctl was given or wrote.
func (l Layout) ClusterSpec() string { return filepath.Join(l.Dir(), l.Cluster+"-eks-a-cluster.yaml") }

// Checkpoint lists the tasks a failed run completed (CHECKPOINT_ENABLED=true).
func (l Layout) Checkpoint() string {
	return filepath.Join(l.GeneratedDir(), l.Cluster+"-checkpoint.yaml")
}

// LogsDir holds eksctl's logs.
func (l Layout) LogsDir() string { return filepath.Join(l.Dir(), "logs") }

// BackupDir is a backup folder named by prefix and time.
func (l Layout) BackupDir(prefix string, at time.Time) string {
	return filepath.Join(l.Dir(), prefix+at.UTC().Format(BackupTimeFormat))
}

// KindClusterName is the KinD cluster eksctl creates.
func KindClusterName(cluster string) string { return cluster + "-eks-a-cluster" }

// KindNodeContainer is KinD's node container: deleting it loses whatever
// CAPI objects are stranded in KinD, for good.
func KindNodeContainer(cluster string) string { return KindClusterName(cluster) + "-control-plane" }
