package testworld

import (
	"context"
	"fmt"
	"slices"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// OwnerCheck is what DanglingOwners found in a namespace.
type OwnerCheck struct {
	Objects, Refs int
	// Dangling lists each owner reference whose UID names no object in the
	// namespace, or another object than the reference's kind and name:
	// on a real cluster the garbage collector deletes such an object
	// (envtest runs none, so nothing else in a test would notice).
	Dangling []string
}

// DanglingOwners reads every object of every namespaced kind the server
// serves in namespace and checks each owner reference against the UIDs
// found there. It reads the server directly, independent of the mover's
// own notion of which kinds move.
func DanglingOwners(ctx context.Context, cfg *rest.Config, namespace string) (*OwnerCheck, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{} // Endpoints' deprecation, once per list
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	lists, err := dc.ServerPreferredNamespacedResources()
	if err != nil {
		return nil, err
	}
	type owner struct{ group, kind, name string }
	byUID := map[types.UID]owner{}
	type ref struct {
		object string
		ref    metav1.OwnerReference
	}
	var refs []ref
	out := &OwnerCheck{}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return nil, err
		}
		for _, r := range l.APIResources {
			if !slices.Contains(r.Verbs, "list") {
				continue
			}
			items, err := dyn.Resource(gv.WithResource(r.Name)).Namespace(namespace).List(ctx, metav1.ListOptions{})
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("listing %s: %w", r.Name, err)
			}
			for _, o := range items.Items {
				out.Objects++
				byUID[o.GetUID()] = owner{gv.Group, o.GetKind(), o.GetName()}
				for _, or := range o.GetOwnerReferences() {
					refs = append(refs, ref{o.GetKind() + "/" + o.GetName(), or})
				}
			}
		}
	}
	for _, r := range refs {
		out.Refs++
		gv, _ := schema.ParseGroupVersion(r.ref.APIVersion)
		got, ok := byUID[r.ref.UID]
		switch {
		case !ok:
			out.Dangling = append(out.Dangling, fmt.Sprintf("%s: owner %s/%s has UID %s, which names nothing in %s",
				r.object, r.ref.Kind, r.ref.Name, r.ref.UID, namespace))
		case got != owner{gv.Group, r.ref.Kind, r.ref.Name}:
			out.Dangling = append(out.Dangling, fmt.Sprintf("%s: owner %s/%s has UID %s, which is %s/%s's",
				r.object, r.ref.Kind, r.ref.Name, r.ref.UID, got.kind, got.name))
		}
	}
	sort.Strings(out.Dangling)
	return out, nil
}
