package pause

import (
	"fmt"
	"io"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// Count is the number of markers the plan clears.
func (c *Changes) Count() int {
	n := 0
	for _, ch := range c.Objects {
		n += len(ch.Markers())
	}
	return n
}

// Describe writes the plan as the user reads it before confirming: one
// line per object to change, then the markers left set and why. An empty
// plan writes only the markers left set.
func (c *Changes) Describe(w io.Writer) {
	if !c.Empty() {
		fmt.Fprintf(w, "Resume plan: clear %s on %s of %s, on the management cluster:\n",
			text.Plural(c.Count(), "pause marker"), text.Plural(len(c.Objects), "object"), c.ClusterList())
		for _, ch := range c.Objects {
			fmt.Fprintf(w, "  %s: %s\n", ch.Object, strings.Join(ch.Markers(), ", "))
		}
	}
	if len(c.Held) > 0 {
		fmt.Fprintf(w, "Left set (%d):\n", len(c.Held))
		for _, h := range c.Held {
			fmt.Fprintf(w, "  %s: %s: %s\n", h.Object, h.Marker, h.Why)
		}
	}
	if len(c.Unknown) > 0 {
		fmt.Fprintf(w, "Not known whether %s %s paused before the failed run (%s): resume unpauses %s. "+
			"If you had paused one on purpose, answer no and pause it again after resuming, or use --dry-run to look first\n",
			text.Plural(len(c.Unknown), "Cluster"), map[bool]string{true: "was", false: "were"}[len(c.Unknown) == 1],
			c.UnknownWhy, strings.Join(c.Unknown, ", "))
	}
}

// ClusterList names the clusters the plan changes, as it reads in a
// sentence: "cluster w01", "clusters w01, w02", or, when only EKS-A's
// configs carry markers, "the clusters' EKS-A configs".
func (c *Changes) ClusterList() string {
	switch len(c.Clusters) {
	case 0:
		return "the clusters' EKS-A configs"
	case 1:
		return "cluster " + c.Clusters[0]
	}
	return "clusters " + strings.Join(c.Clusters, ", ")
}
