package mover

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// The plan a user confirmed is the plan that runs. A move or restore reads
// both clusters once, shows what it will do and asks; a prompt can wait
// minutes. Before its first write (the lock's Lease) it reads again what
// the plan read, with the same requests (one List per kind on each side),
// and stops, writing nothing, when either cluster changed: an object added,
// removed, or changed in anything the plan carries. Status alone is not a
// change: a move never carries it and the controllers rebuild it.

// readSide is what a plan read from one cluster.
type readSide struct {
	c       *writable.Cluster
	planned map[objgraph.Key]*unstructured.Unstructured
	// reread reads the same objects again, with the same requests.
	reread func(ctx context.Context) (map[objgraph.Key]*unstructured.Unstructured, error)
}

// graphSides are two sides read with ReadBoth: their graphs of cluster's
// objects, reread the same way. The first reread reads both clusters (the
// rule picks each side's objects across both) and hands the second its
// part, so each cluster is listed once, as the plan listed it.
func graphSides(a, b *writable.Cluster, ga, gb *Graph, cluster string) []readSide {
	var second map[objgraph.Key]*unstructured.Unstructured
	return []readSide{
		{c: a, planned: ga.Objects, reread: func(ctx context.Context) (map[objgraph.Key]*unstructured.Unstructured, error) {
			nowA, nowB, _, err := ReadBoth(ctx, a, b, cluster)
			if err != nil {
				return nil, err
			}
			second = nowB.Objects
			return nowA.Objects, nil
		}},
		{c: b, planned: gb.Objects, reread: func(context.Context) (map[objgraph.Key]*unstructured.Unstructured, error) {
			return second, nil
		}},
	}
}

// keysSide is a side read with listKeys: which of g's objects c holds.
func keysSide(c *writable.Cluster, g *Graph, planned map[objgraph.Key]*unstructured.Unstructured) readSide {
	return readSide{c: c, planned: planned, reread: func(ctx context.Context) (map[objgraph.Key]*unstructured.Unstructured, error) {
		return listKeys(ctx, c, g)
	}}
}

// checkUnchanged rereads every side and fails, in one line naming each
// change (kind/name, side, added/removed/changed), when any differs from
// the plan. verb names the command to rerun.
func checkUnchanged(ctx context.Context, verb string, sides ...readSide) error {
	var changes []string
	for _, s := range sides {
		now, err := s.reread(ctx)
		if err != nil {
			return fmt.Errorf("reading the %s cluster again before the first write: %w (nothing was changed)", s.c.Name, err)
		}
		changes = append(changes, diffSide(s.c.Name, s.planned, now)...)
	}
	if len(changes) == 0 {
		return nil
	}
	more := ""
	if len(changes) > 5 {
		more = fmt.Sprintf(" and %d more", len(changes)-5)
	}
	return fmt.Errorf("the clusters changed after the plan was made: %s%s; nothing was changed: rerun %s to see the new plan",
		strings.Join(changes[:min(5, len(changes))], ", "), more, verb)
}

// diffSide lists how now differs from planned on the cluster named side.
func diffSide(side string, planned, now map[objgraph.Key]*unstructured.Unstructured) []string {
	var out []string
	for k, o := range now {
		p, ok := planned[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s added on the %s cluster", k, side))
		case p.GetResourceVersion() != o.GetResourceVersion() && !reflect.DeepEqual(carried(p), carried(o)):
			out = append(out, fmt.Sprintf("%s changed on the %s cluster", k, side))
		}
	}
	for k := range planned {
		if _, ok := now[k]; !ok {
			out = append(out, fmt.Sprintf("%s removed from the %s cluster", k, side))
		}
	}
	sort.Strings(out)
	return out
}

// carried is the part of an object a plan depends on: all but its status
// and the server's bookkeeping of writes.
func carried(u *unstructured.Unstructured) map[string]any {
	c := u.DeepCopy()
	delete(c.Object, "status")
	for _, f := range []string{"resourceVersion", "managedFields", "generation"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	return c.Object
}

// listKeys lists which of g's objects c holds, whole: one List per kind in
// g, whatever the number of objects.
func listKeys(ctx context.Context, c *writable.Cluster, g *Graph) (map[objgraph.Key]*unstructured.Unstructured, error) {
	l, err := listKinds(ctx, c, graphKinds(g), false)
	if err != nil {
		return nil, err
	}
	out := map[objgraph.Key]*unstructured.Unstructured{}
	for _, o := range l {
		if k := objgraph.KeyOf(o); g.Objects[k] != nil {
			out[k] = o
		}
	}
	return out, nil
}
