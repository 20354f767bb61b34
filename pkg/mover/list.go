package mover

import (
	"context"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
)

// listParallelism bounds the Lists a move sends one server at once: one
// List per kind, some 30 kinds, each waiting mostly on the server.
const listParallelism = 16

// listKinds lists each kind in the namespace, one request per kind, several
// at once, and returns the objects in the kinds' order (sorted by group and
// kind, so a graph's order does not depend on which List came back first).
// A kind the server does not serve (NotFound) is skipped when skipMissing.
func listKinds(ctx context.Context, c *writable.Cluster, kinds []schema.GroupKind, skipMissing bool) ([]*unstructured.Unstructured, error) {
	kinds = append([]schema.GroupKind(nil), kinds...)
	sort.Slice(kinds, func(i, j int) bool { return kinds[i].String() < kinds[j].String() })
	lists := make([][]unstructured.Unstructured, len(kinds))
	errs := make([]error, len(kinds))
	inParallel(listParallelism, kinds, func(i int, gk schema.GroupKind) {
		ri, _, err := c.Resource(gk)
		if err != nil {
			errs[i] = err
			return
		}
		l, err := ri.List(ctx, metav1.ListOptions{})
		switch {
		case apierrors.IsNotFound(err) && skipMissing:
		case err != nil:
			errs[i] = fmt.Errorf("listing %s in the %s cluster: %w", gk, c.Name, err)
		default:
			lists[i] = l.Items
		}
	})
	var all []*unstructured.Unstructured
	for i := range kinds {
		if errs[i] != nil {
			return nil, errs[i] // the first kind's, in order: the same error every run
		}
		for j := range lists[i] {
			// The field managers' bookkeeping is half of a typical
			// object and nothing here reads it: a create drops it, the
			// drift check ignores it, a backup does not need it. Dropped
			// at once, a 5,000-object move holds half the memory.
			lists[i][j].SetManagedFields(nil)
			all = append(all, &lists[i][j])
		}
	}
	return all, nil
}

// graphKinds are the kinds of g's objects.
func graphKinds(g *Graph) []schema.GroupKind {
	seen := map[schema.GroupKind]bool{}
	var out []schema.GroupKind
	for k := range g.Objects {
		if gk := k.GroupKind(); !seen[gk] {
			seen[gk] = true
			out = append(out, gk)
		}
	}
	return out
}

// Kinds are the kinds of the objects the plan moves: what it creates on
// the target and deletes from the source (the rights it needs, ops).
func (p *MovePlan) Kinds() []schema.GroupKind { return graphKinds(p.source) }

// Kinds are the kinds of the backup's objects, which the plan writes.
func (p *RestorePlan) Kinds() []schema.GroupKind { return graphKinds(p.g) }
