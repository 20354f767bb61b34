package reader

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The few reads that want whole objects (the EKS-A kinds, the provider
// inventory, Deployments, pods, webhooks) go through the same REST client
// as the lists: status's read has no client that could write.

// listAll lists gvr in ns ("" for every namespace, or a cluster-scoped
// kind), with a label selector when one is given. The API server's errors
// come back as its Status, so apierrors.IsNotFound and IsForbidden hold.
func (r *reader) listAll(ctx context.Context, gvr schema.GroupVersionResource, ns, selector string) ([]unstructured.Unstructured, error) {
	req := r.rest.Get().AbsPath(apiPath(gvr, ns)...).SetHeader("Accept", acceptJSON)
	if selector != "" {
		req = req.Param("labelSelector", selector)
	}
	raw, err := req.DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	var l unstructured.UnstructuredList
	if err := l.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("decoding the list of %s: %w", gvr.GroupResource(), err)
	}
	return l.Items, nil
}

// getOne reads one object of gvr by namespace and name.
func (r *reader) getOne(ctx context.Context, gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error) {
	raw, err := r.rest.Get().AbsPath(append(apiPath(gvr, ns), name)...).SetHeader("Accept", acceptJSON).DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("decoding %s %s/%s: %w", gvr.GroupResource(), ns, name, err)
	}
	return u, nil
}

// apiPath is the URL path of gvr's collection in ns: /api/v1/... for the
// core group, /apis/<group>/<version>/... for the others.
func apiPath(gvr schema.GroupVersionResource, ns string) []string {
	path := []string{"/apis", gvr.Group, gvr.Version}
	if gvr.Group == "" {
		path = []string{"/api", gvr.Version}
	}
	if ns != "" {
		path = append(path, "namespaces", ns)
	}
	return append(path, gvr.Resource)
}
