package objgraph

import (
	"fmt"
	"sort"
	"strings"
)

// Groups orders the members for creation as clusterctl's getMoveSequence
// does: each group holds the members whose owners among the members (by
// owner reference, or soft) are all in earlier groups. Deletion runs the
// groups in reverse. Keys in a group are sorted.
func Groups(nodes []Node, members map[Key]bool) ([][]Key, error) {
	in := make([]Node, 0, len(members))
	for _, n := range nodes {
		if members[n.Key] {
			in = append(in, n)
		}
	}
	g := index(in)
	remaining := make([]Key, 0, len(in))
	for _, n := range in {
		remaining = append(remaining, n.Key)
	}
	SortKeys(remaining)
	placed := map[Key]bool{}
	var groups [][]Key
	for len(remaining) > 0 {
		var group, next []Key
		for _, k := range remaining {
			if allPlaced(g.ownersOf(g.all[k]), placed) {
				group = append(group, k)
			} else {
				next = append(next, k)
			}
		}
		if len(group) == 0 {
			return nil, fmt.Errorf("owner references form a cycle among %s", strings.Join(KeyStrings(next[:min(5, len(next))]), ", "))
		}
		for _, k := range group {
			placed[k] = true
		}
		groups = append(groups, group)
		remaining = next
	}
	return groups, nil
}

// MissingOwners lists, as "<owner> (owner of <object>)", the owner
// references of the members that name no member: created so, an object
// would point at an owner the target lacks, and a garbage collector would
// delete it.
func MissingOwners(nodes []Node, members map[Key]bool) []string {
	var out []string
	for _, n := range nodes {
		if !members[n.Key] {
			continue
		}
		for _, o := range n.Owners {
			if !members[o] {
				out = append(out, fmt.Sprintf("%s (owner of %s)", o, n.Key))
			}
		}
	}
	sort.Strings(out)
	return out
}

func allPlaced(owners []Key, placed map[Key]bool) bool {
	for _, o := range owners {
		if !placed[o] {
			return false
		}
	}
	return true
}

// SortKeys sorts keys by their string form.
func SortKeys(keys []Key) {
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
}

// KeyStrings renders keys.
func KeyStrings(keys []Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.String()
	}
	return out
}
