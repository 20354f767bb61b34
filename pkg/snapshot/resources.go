package snapshot

import (
	"context"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata"
)

// Resource is one API resource to list.
type Resource struct {
	GVR        schema.GroupVersionResource
	Kind       string
	Namespaced bool
	// Move and MoveHierarchy copy the CRD's clusterctl labels: every object
	// of the kind moves (move), or moves with the whole tree it owns
	// (move-hierarchy), as clusterctl's objectgraph reads them.
	Move, MoveHierarchy bool
}

func (r Resource) groupKind() schema.GroupKind {
	return schema.GroupKind{Group: r.GVR.Group, Kind: r.Kind}
}

// The CRD labels clusterctl's move reads besides LabelClusterctl.
const (
	LabelMove          = "clusterctl.cluster.x-k8s.io/move"
	LabelMoveHierarchy = "clusterctl.cluster.x-k8s.io/move-hierarchy"
)

// Resources are the kinds a cluster serves that the plugin reads.
type Resources struct {
	// Moveable are the namespaced kinds of CRDs labelled
	// clusterctl.cluster.x-k8s.io, in the server's preferred version: what
	// clusterctl (and this plugin) moves.
	Moveable []Resource
	// EKSA are EKS-A's own kinds that diagnosis reads.
	EKSA []Resource
	// Providers is clusterctl's inventory, nil when not installed.
	Providers *Resource
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// DiscoverResources finds the kinds with three requests: the labelled CRDs'
// metadata (not their large schemas) and one aggregated discovery pass.
func DiscoverResources(ctx context.Context, meta metadata.Interface, disc discovery.DiscoveryInterface) (Resources, error) {
	var out Resources
	// The two answers do not depend on each other: asked at once, they
	// cost one round trip before the lists can start, not two.
	var (
		crds   *metav1.PartialObjectMetadataList
		crdErr error
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		crds, crdErr = meta.Resource(crdGVR).List(ctx, metav1.ListOptions{LabelSelector: LabelClusterctl})
	})
	lists, err := disc.ServerPreferredResources()
	wg.Wait()
	if crdErr != nil {
		return out, crdErr
	}
	if err != nil && len(lists) == 0 {
		return out, err
	}
	moveable := map[string]map[string]string{} // plural.group -> the CRD's labels
	for _, c := range crds.Items {
		moveable[c.Name] = c.Labels
	}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, ar := range l.APIResources {
			if strings.Contains(ar.Name, "/") {
				continue // subresources
			}
			res := Resource{GVR: gv.WithResource(ar.Name), Kind: ar.Kind, Namespaced: ar.Namespaced}
			labels, isMoveable := moveable[ar.Name+"."+gv.Group]
			switch {
			case isMoveable && ar.Namespaced:
				_, res.Move = labels[LabelMove]
				_, res.MoveHierarchy = labels[LabelMoveHierarchy]
				out.Moveable = append(out.Moveable, res)
			case gv.Group == eksaGroup && eksaKinds[ar.Kind]:
				out.EKSA = append(out.EKSA, res)
			case gv.Group == "clusterctl.cluster.x-k8s.io" && ar.Kind == "Provider":
				out.Providers = &res
			}
		}
	}
	return out, nil
}
