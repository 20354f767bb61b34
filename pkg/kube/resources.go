package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
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

// GroupKind is the resource's group and kind.
func (r Resource) GroupKind() schema.GroupKind {
	return schema.GroupKind{Group: r.GVR.Group, Kind: r.Kind}
}

// CoreKinds are the Secrets and ConfigMaps a move carries with a cluster.
var CoreKinds = []Resource{
	{GVR: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, Kind: "Secret", Namespaced: true},
	{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, Kind: "ConfigMap", Namespaced: true},
}

// eksaKinds are the EKS-A kinds diagnosis reads: the cluster, its configs
// (where the pause markers sit), the Bundles (the version) and the
// in-place upgrade objects (why an in-place upgrade stopped).
var eksaKinds = map[string]bool{
	"Cluster": true, "Bundles": true, "GitOpsConfig": true, "FluxConfig": true,
	"VSphereDatacenterConfig": true, "VSphereMachineConfig": true,
	"CloudStackDatacenterConfig": true, "CloudStackMachineConfig": true,
	"NutanixDatacenterConfig": true, "NutanixMachineConfig": true,
	"SnowDatacenterConfig": true, "SnowMachineConfig": true,
	"TinkerbellDatacenterConfig": true, "TinkerbellMachineConfig": true,
	"DockerDatacenterConfig": true,
	// The in-place upgrade objects.
	"ControlPlaneUpgrade": true, "MachineDeploymentUpgrade": true, "NodeUpgrade": true,
}

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
	// Unavailable are the API groups discovery could not reach, each with
	// its error: an aggregated API (an APIService) whose server does not
	// answer. None of them holds a kind the plugin reads or moves.
	Unavailable map[schema.GroupVersion]error
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
		crds, crdErr = meta.Resource(crdGVR).List(ctx, metav1.ListOptions{LabelSelector: eksa.LabelClusterctl})
	})
	lists, err := disc.ServerPreferredResources()
	wg.Wait()
	if crdErr != nil {
		return out, crdErr
	}
	var partial *discovery.ErrGroupDiscoveryFailed
	switch {
	case errors.As(err, &partial):
		out.Unavailable = partial.Groups
	case err != nil:
		return out, err
	}
	moveable := map[string]map[string]string{} // plural.group -> the CRD's labels
	for _, c := range crds.Items {
		moveable[c.Name] = c.Labels
	}
	if err := readKindsUnavailable(out.Unavailable, moveable); err != nil {
		return out, err
	}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, ar := range l.APIResources {
			if strings.Contains(ar.Name, "/") {
				continue // subresources
			}
			res := Resource{GVR: gv.WithResource(ar.Name), Kind: ar.Kind, Namespaced: ar.Namespaced}
			labels, isMoveable := moveable[ar.Name+"."+gv.Group]
			always := eksa.AlwaysMoved[ar.Name+"."+gv.Group]
			switch {
			case (isMoveable || always) && ar.Namespaced:
				_, res.Move = labels[eksa.LabelMove]
				res.Move = res.Move || always
				_, res.MoveHierarchy = labels[eksa.LabelMoveHierarchy]
				out.Moveable = append(out.Moveable, res)
			case gv.Group == eksa.GroupEKSA && eksaKinds[ar.Kind]:
				out.EKSA = append(out.EKSA, res)
			case gv.Group == eksa.GroupClusterctl && ar.Kind == "Provider":
				out.Providers = &res
			}
		}
	}
	return out, nil
}

// readKindsUnavailable: a group discovery could not reach that holds a
// kind the plugin reads or moves fails the whole discovery. Skipping it
// would read a cluster without those objects, or move it without them.
func readKindsUnavailable(unavailable map[schema.GroupVersion]error, moveable map[string]map[string]string) error {
	for gv, err := range unavailable {
		held := gv.Group == eksa.GroupEKSA || gv.Group == eksa.GroupClusterctl
		for name := range moveable { // plural.group
			_, group, _ := strings.Cut(name, ".")
			held = held || group == gv.Group
		}
		if held {
			return fmt.Errorf("the API server cannot list the kinds of %s, which the plugin reads and moves: %w", gv, err)
		}
	}
	return nil
}

// KindFlagsOf is the move labels of the moveable kinds, as objgraph
// reads them.
func KindFlagsOf(moveable []Resource) objgraph.Kinds {
	out := make(objgraph.Kinds, len(moveable))
	for _, r := range moveable {
		out[r.GroupKind()] = objgraph.KindFlags{Move: r.Move, MoveHierarchy: r.MoveHierarchy}
	}
	return out
}
