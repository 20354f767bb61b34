package pause

import (
	"fmt"
	"sort"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
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

// pausedBefore says whether a Cluster was paused before the run: yes, no,
// or unknown (not covered by the backup, or no backup).
func (h *History) pausedBefore(name string) (paused, known bool) {
	if h == nil || !h.Known {
		return false, false
	}
	for _, c := range h.Paused {
		if c == name {
			return true, true
		}
	}
	for _, c := range h.Covered {
		if c == name {
			return false, true
		}
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
		if ch.Cluster != "" && !containsString(c.Clusters, ch.Cluster) {
			c.Clusters = append(c.Clusters, ch.Cluster)
		}
	}
	sort.Strings(c.Clusters)
	sort.Strings(c.Unknown)
}
