package objgraph

import (
	"fmt"
	"sort"
)

// sideKey is an object on one side (an index into the sides).
type sideKey struct {
	side int
	key  Key
}

// crossGraph links each object to what comes with it: what it owns (by
// owner reference or soft owner) and what it references, on its own side
// or, when its own side lacks it, on another.
type crossGraph struct {
	sides []graph
	with  map[sideKey][]sideKey
}

func indexAcross(sides []Side) crossGraph {
	total := 0
	for _, side := range sides {
		total += len(side.Nodes)
	}
	g := crossGraph{sides: make([]graph, len(sides)), with: make(map[sideKey][]sideKey, total)}
	for s, side := range sides {
		g.sides[s] = index(side.Nodes)
	}
	for s, side := range sides {
		for _, n := range side.Nodes {
			at := sideKey{s, n.Key}
			for _, o := range ownerKeys(n) {
				if owner, ok := g.resolve(s, o); ok {
					g.with[owner] = append(g.with[owner], at)
				}
			}
			for _, r := range n.Refs {
				if to, ok := g.resolve(s, r.To); ok {
					g.with[at] = append(g.with[at], to)
				}
			}
		}
	}
	return g
}

// resolve finds k on side s, else on the first other side holding it.
func (g crossGraph) resolve(s int, k Key) (sideKey, bool) {
	if _, ok := g.sides[s].all[k]; ok {
		return sideKey{s, k}, true
	}
	for o := range g.sides {
		if _, ok := g.sides[o].all[k]; ok && o != s {
			return sideKey{o, k}, true
		}
	}
	return sideKey{}, false
}

// walk adds k and everything that comes with it, transitively.
func (g crossGraph) walk(k sideKey, into map[sideKey]bool) {
	if into[k] {
		return
	}
	into[k] = true
	for _, c := range g.with[k] {
		g.walk(c, into)
	}
}

func ownerKeys(n Node) []Key {
	if n.Soft == nil {
		return n.Owners
	}
	return append(n.Owners[:len(n.Owners):len(n.Owners)], *n.Soft)
}

// Dangling is a reference of a member that names nothing on the member's
// side: its target is on another side (Elsewhere, an index into the
// sides) or on none (Elsewhere -1).
type Dangling struct {
	Side      int
	From      Key
	Ref       Ref
	Elsewhere int
}

func (d Dangling) String() string { return fmt.Sprintf("%s %s", d.From, d.Ref) }

// reads: the graph of a side with these kinds holds objects of k's kind
// when there are any: the moveable kinds, and Secrets and ConfigMaps.
func reads(kinds Kinds, k Key) bool {
	if k.Group == "" {
		return k.Kind == "Secret" || k.Kind == "ConfigMap"
	}
	_, ok := kinds[k.GroupKind()]
	return ok
}

// unresolved lists the references of each side's members (members[i] on
// sides[i], as members gives them) that do not resolve on that side,
// sorted by side, object and field; references to kinds the side does
// not serve as moveable are not judged. Where one exists the object named is
// on the other side: the cluster is not whole on either.
func (g crossGraph) unresolved(sides []Side, members []map[Key]bool) []Dangling {
	var out []Dangling
	for s, side := range sides {
		for _, n := range side.Nodes {
			if !members[s][n.Key] {
				continue
			}
			for _, r := range n.Refs {
				if !reads(side.Kinds, r.To) {
					continue // a kind the side's graph never holds (CAPV's cluster-wide identities)
				}
				to, ok := g.resolve(s, r.To)
				switch {
				case !ok:
					out = append(out, Dangling{Side: s, From: n.Key, Ref: r, Elsewhere: -1})
				case to.side != s:
					out = append(out, Dangling{Side: s, From: n.Key, Ref: r, Elsewhere: to.side})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Side != b.Side {
			return a.Side < b.Side
		}
		if a.From != b.From {
			return a.From.String() < b.From.String()
		}
		return a.Ref.Field < b.Ref.Field
	})
	return out
}
