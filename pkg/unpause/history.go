package unpause

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// History finds what the workspace's backups say of the Clusters' pauses
// before the failed run. The run's start is eksctl's own pre-upgrade
// backup (<c>-backup-<ts> from v0.19, cluster-state-backup-<ts> v0.15 to
// v0.18), taken before it paused anything. That backup itself cannot tell:
// clusterctl pauses every Cluster while it writes one (and unpauses them all
// after), so each reads paused there. What tells is a backup of this
// plugin's taken before it, whose manifest recorded each Cluster's
// spec.paused as it was. bs is newest first, as the workspace lists them.
func History(bs []workspace.Backup) *pause.History {
	var start *workspace.Backup
	for i, b := range bs {
		if b.Source == workspace.BackupCluster || b.Source == workspace.BackupManagement {
			start = &bs[i]
			break
		}
	}
	if start == nil {
		return &pause.History{Why: "no backup eksctl took before the run (<cluster>-backup-<time>, cluster-state-backup-<time>) is in the workspace"}
	}
	for _, b := range bs {
		if b.Source != workspace.BackupPlugin || !b.Time.Before(start.Time) {
			continue
		}
		_, m, err := backup.Read(b.Path)
		if err != nil || m == nil {
			continue // a damaged backup tells nothing
		}
		h := &pause.History{Known: true, Source: b.Path, Paused: m.PausedClusters}
		for _, o := range m.Objects {
			if o.Group == eksa.GroupCAPI && o.Kind == "Cluster" {
				h.Covered = append(h.Covered, o.Name)
			}
		}
		return h
	}
	return &pause.History{Why: fmt.Sprintf("eksctl's pre-upgrade backup %s cannot tell, clusterctl writes every Cluster paused, "+
		"and no `kubectl eksa-recover backup` was taken before it", start.Path)}
}
