package pause

import (
	"fmt"
	"slices"
	"sort"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// History is what a backup taken before the failed run says of the CAPI
// Clusters' spec.paused. A management upgrade pauses every workload
// cluster and, failing, leaves them paused; a cluster paused before it was
// paused on purpose, and resume leaves it so.
type History struct {
	// Known: such a backup was read (Source); Covered are the Clusters it
	// holds and Paused those it recorded paused.
	Known   bool
	Source  string
	Covered []string
	Paused  []string
	// Why says, when not Known, why no backup tells.
	Why string
}

// HistoryOf finds what the workspace's backups say of the Clusters'
// pauses before the failed run. The run's start is eksctl's own
// pre-upgrade backup (<c>-backup-<ts> from v0.19, cluster-state-backup-<ts>
// v0.15 to v0.18), taken before it paused anything. That backup itself
// cannot tell: clusterctl pauses every Cluster while it writes one (and
// unpauses them all after), so each reads paused there. What tells is a
// backup of this plugin's taken before it, whose manifest recorded each
// Cluster's spec.paused as it was (workspace.Backup.Pauses). bs is newest
// first, as the workspace lists them.
func HistoryOf(bs []workspace.Backup) *History {
	var start *workspace.Backup
	for i, b := range bs {
		if b.Source == workspace.BackupCluster || b.Source == workspace.BackupManagement {
			start = &bs[i]
			break
		}
	}
	if start == nil {
		return &History{Why: "no backup eksctl took before the run (<cluster>-backup-<time>, cluster-state-backup-<time>) is in the workspace"}
	}
	for _, b := range bs {
		if b.Source != workspace.BackupPlugin || !b.Time.Before(start.Time) || b.Pauses == nil {
			continue // after the run's start, or without a manifest: tells nothing
		}
		return &History{Known: true, Source: b.Path, Covered: b.Pauses.Covered, Paused: b.Pauses.Paused}
	}
	return &History{Why: fmt.Sprintf("eksctl's pre-upgrade backup %s cannot tell, clusterctl writes every Cluster paused, "+
		"and no `kubectl eksa-recover backup` was taken before it", start.Path)}
}

// pausedBefore says whether a Cluster was paused before the run: yes, no,
// or unknown (not covered by the backup, or no backup).
func (h *History) pausedBefore(name string) (paused, known bool) {
	if h == nil || !h.Known {
		return false, false
	}
	switch {
	case slices.Contains(h.Paused, name):
		return true, true
	case slices.Contains(h.Covered, name):
		return false, true
	}
	return false, false
}

// holdPrePaused moves the spec.paused of the Clusters paused before the run
// from the changes to Held, unless include; and notes the Clusters whose
// past nothing tells.
func (c *Changes) holdPrePaused(h *History, include bool) {
	if h == nil {
		return
	}
	kept := c.Objects[:0]
	for _, ch := range c.Objects {
		isCluster := ch.SpecPaused && ch.Object.Group == eksa.GroupCAPI && ch.Object.Kind == "Cluster"
		if !isCluster {
			kept = append(kept, ch)
			continue
		}
		paused, known := h.pausedBefore(ch.Object.Name)
		switch {
		case paused && !include:
			c.Held = append(c.Held, Held{Object: ch.Object, Marker: MarkerSpecPaused, Why: fmt.Sprintf(
				"it was paused before the failed run (%s recorded it paused), so it was paused on purpose; --include-pre-paused clears it too", h.Source)})
			c.PrePaused = append(c.PrePaused, ch.Object.Name)
			ch.SpecPaused = false
			if len(ch.Annotations) == 0 {
				continue
			}
		case !known:
			c.Unknown = append(c.Unknown, ch.Object.Name)
		}
		kept = append(kept, ch)
	}
	c.Objects = kept
	if len(c.Unknown) > 0 {
		c.UnknownWhy = h.Why
		if h.Known {
			c.UnknownWhy = h.Source + " does not hold them"
		}
	}
	c.Clusters = c.Clusters[:0]
	for _, ch := range c.Objects {
		if ch.Cluster != "" && !slices.Contains(c.Clusters, ch.Cluster) {
			c.Clusters = append(c.Clusters, ch.Cluster)
		}
	}
	sort.Strings(c.Clusters)
	sort.Strings(c.Unknown)
}
