package bundle

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/rights"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// printUnread says, per cluster, which reads bundle could not make: the
// archive lacks what they would show, and the one who can fix that is the
// user running bundle now, not support opening the archive later (its
// status.json names each read with the API server's words). A read refused
// (403) names the role that grants it.
func printUnread(w io.Writer, snap *snapshot.Snapshot) {
	for _, c := range []struct {
		role snapshot.Role
		st   snapshot.ClusterState
	}{{snapshot.Management, snap.Management}, {snapshot.Bootstrap, snap.Bootstrap}} {
		var reads []string
		forbidden := false
		for _, u := range c.st.Unread {
			// Resource is already resource.group, as a need spells it.
			r := rights.Need{Verb: u.Verb, Resource: u.Resource, Namespace: u.Namespace}.String()
			if !slices.Contains(reads, r) {
				reads = append(reads, r)
			}
			forbidden = forbidden || strings.Contains(u.Error, "forbidden")
		}
		if len(reads) == 0 {
			continue
		}
		fix := ""
		if forbidden {
			fix = "; " + rights.BindReader
		}
		fmt.Fprintf(w, "bundle could not read everything on the %s cluster (%s): the archive lacks what those reads would show%s\n", c.role, strings.Join(reads, ", "), fix)
	}
}
