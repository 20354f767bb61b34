package testworld

import (
	"context"
	"fmt"
	"slices"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// EKSANamespace is where the world keeps EKS-A's own objects (the
// anywhere.eks.amazonaws.com Cluster, its configs, the Bundles).
const EKSANamespace = "default"

// eachObject calls fn with every object of every namespaced kind the server
// serves in namespace: read directly, independent of which kinds the code
// under test thinks matter.
func eachObject(ctx context.Context, cfg *rest.Config, namespace string, fn func(resource schema.GroupVersionResource, o *unstructured.Unstructured)) error {
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{} // Endpoints' deprecation, once per list
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	lists, err := dc.ServerPreferredNamespacedResources()
	if err != nil {
		return err
	}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return err
		}
		for _, r := range l.APIResources {
			if !slices.Contains(r.Verbs, "list") {
				continue
			}
			gvr := gv.WithResource(r.Name)
			items, err := dyn.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{})
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("listing %s: %w", r.Name, err)
			}
			for i := range items.Items {
				fn(gvr, &items.Items[i])
			}
		}
	}
	return nil
}

// ResourceVersions maps every object in the namespaces (Secrets, Leases,
// ConfigMaps, CRs: every namespaced kind served) to its resourceVersion,
// keyed namespace/resource.group/name. Equal before and after means
// nothing was created, changed or deleted there.
func ResourceVersions(ctx context.Context, cfg *rest.Config, namespaces ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, ns := range namespaces {
		err := eachObject(ctx, cfg, ns, func(r schema.GroupVersionResource, o *unstructured.Unstructured) {
			out[ns+"/"+r.GroupResource().String()+"/"+o.GetName()] = o.GetResourceVersion()
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OwnerCheck is what DanglingOwners found in a namespace.
type OwnerCheck struct {
	Objects, Refs int
	// Dangling lists each owner reference whose UID names no object in the
	// namespace, or another object than the reference's kind and name:
	// on a real cluster the garbage collector deletes such an object
	// (envtest runs none, so nothing else in a test would notice).
	Dangling []string
}

// DanglingOwners reads every object in namespace and checks each owner
// reference against the UIDs found there.
func DanglingOwners(ctx context.Context, cfg *rest.Config, namespace string) (*OwnerCheck, error) {
	type owner struct{ group, kind, name string }
	byUID := map[types.UID]owner{}
	type ref struct {
		object string
		ref    metav1.OwnerReference
	}
	var refs []ref
	out := &OwnerCheck{}
	err := eachObject(ctx, cfg, namespace, func(r schema.GroupVersionResource, o *unstructured.Unstructured) {
		out.Objects++
		byUID[o.GetUID()] = owner{r.Group, o.GetKind(), o.GetName()}
		for _, or := range o.GetOwnerReferences() {
			refs = append(refs, ref{o.GetKind() + "/" + o.GetName(), or})
		}
	})
	if err != nil {
		return nil, err
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

// Objects reads every object of every namespaced kind served in namespace
// (Secrets and ConfigMaps included), directly, independent of which kinds
// the code under test thinks matter. Leases are left out: they are locks.
func Objects(ctx context.Context, cfg *rest.Config, namespace string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	err := eachObject(ctx, cfg, namespace, func(r schema.GroupVersionResource, o *unstructured.Unstructured) {
		if r.Resource != "leases" && r.Resource != "events" {
			out = append(out, o)
		}
	})
	return out, err
}
