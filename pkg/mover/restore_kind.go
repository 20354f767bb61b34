package mover

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// A restore must never make a second live copy of an object KinD still
// holds. KinD's own membership rule judges one cluster at a time: once the
// Cluster is gone from both clusters (Missing), what it left in KinD and
// nothing there claims (a KubeadmControlPlane or machine template whose
// owner is the missing Cluster, unlabelled) is no member of it, yet the
// backup holds the same object. So the check is the union of two: KinD's
// members of the cluster, and every object of the backup KinD holds by
// group, kind, namespace and name.

// kindHolds reads KinD once (one List per kind, as Read does) and returns
// the objects that block a restore of g: the cluster's members there and
// any object of g KinD holds. claimed counts the members.
func kindHolds(ctx context.Context, kind *writable.Cluster, g *Graph, cluster string) (held *Graph, claimed int, err error) {
	all, err := listAll(ctx, kind)
	if err != nil {
		return nil, 0, err
	}
	held = Select(all, kind.Kinds, cluster)
	claimed = held.Len()
	for _, o := range all {
		if k := objgraph.KeyOf(o); g.Objects[k] != nil {
			held.Objects[k] = o
		}
	}
	held.nodes = nil // rebuilt on use: the objects added have none yet
	return held, claimed, nil
}

// kindSide is KinD as a restore plan read it (kindHolds), reread the same way.
func kindSide(c *writable.Cluster, g *Graph, planned *Graph, cluster string) readSide {
	return readSide{c: c, planned: planned.Objects, reread: func(ctx context.Context) (map[objgraph.Key]*unstructured.Unstructured, error) {
		now, _, err := kindHolds(ctx, c, g, cluster)
		if err != nil {
			return nil, err
		}
		return now.Objects, nil
	}}
}

// errKindHolds is restore's refusal while KinD holds any of it: one line,
// naming the first objects and the fix. While KinD holds members of the
// cluster, the fix is move. When it holds only objects nothing there
// claims (their Cluster is gone), move carries none of them (it starts
// from what claims the cluster, and its --all refuses objects whose owner
// is gone): the fix is to delete them from KinD, the backup holding them.
func errKindHolds(held *Graph, claimed int, cluster string) error {
	keys := held.Keys()
	names := make([]string, 0, 5)
	for _, k := range keys[:min(5, len(keys))] {
		names = append(names, k.String())
	}
	more := ""
	if n := held.Len() - len(names); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	if claimed > 0 {
		return fmt.Errorf("the KinD cluster still holds %d of %s's objects (%s%s): restoring would make two live copies; run `kubectl eksa-recover move` first (nothing was changed)",
			held.Len(), name(cluster), strings.Join(names, ", "), more)
	}
	return fmt.Errorf("the KinD cluster still holds %d of the backup's objects (%s%s) that no Cluster there claims, so `move` cannot carry them: restoring would make two live copies; check the backup holds them, delete them from the KinD cluster, then rerun restore (nothing was changed)",
		held.Len(), strings.Join(names, ", "), more)
}
