package mover

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// The mover writes each object in the apiVersion it was read (or backed up)
// in and lets the target's API server convert it, as it does for any client
// (CAPI's CRDs convert between their served versions). Relabelling a
// v1beta1 body as v1beta2 instead would put its fields where they do not
// belong. So the target must serve each object's own version.

// resourceFor returns the client for obj's kind in obj's own version.
func resourceFor(c *writable.Cluster, obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	ri, res, err := c.Resource(objgraph.KeyOf(obj).GroupKind())
	if err != nil {
		return nil, err
	}
	gv, err := schema.ParseGroupVersion(obj.GetAPIVersion())
	if err != nil || gv == res.GVR.GroupVersion() {
		return ri, nil
	}
	return c.Dyn.Resource(gv.WithResource(res.GVR.Resource)).Namespace(eksa.Namespace), nil
}

// servesVersions fails, before any write, when the target does not serve
// the version an object is in: one discovery request per version that is
// not the target's preferred one, none when the two clusters agree.
func servesVersions(ctx context.Context, g *Graph, target *writable.Cluster) error {
	need := map[schema.GroupVersion]map[string]bool{}
	for k, o := range g.Objects {
		gv, err := schema.ParseGroupVersion(o.GetAPIVersion())
		if err != nil || gv.Version == "" {
			return fmt.Errorf("%s has no valid apiVersion (%q): the backup or cluster holding it is damaged", k, o.GetAPIVersion())
		}
		if r, ok := target.Resources[k.GroupKind()]; ok && r.GVR.GroupVersion() == gv {
			continue
		}
		if need[gv] == nil {
			need[gv] = map[string]bool{}
		}
		need[gv][k.Kind] = true
	}
	var missing []string
	for gv, kinds := range need {
		served := map[string]bool{}
		if target.Disc == nil {
			return fmt.Errorf("cannot tell whether the %s cluster serves %s", target.Name, gv)
		}
		list, err := target.Disc.ServerResourcesForGroupVersion(gv.String())
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("asking the %s cluster whether it serves %s: %w", target.Name, gv, err)
		}
		if list != nil {
			for _, r := range list.APIResources {
				served[r.Kind] = true
			}
		}
		for kind := range kinds {
			if !served[kind] {
				missing = append(missing, kind+" "+gv.String())
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the %s cluster does not serve %s, the versions the objects are in: install the providers' matching versions there first (nothing was changed)",
			target.Name, strings.Join(missing[:min(5, len(missing))], ", "))
	}
	return nil
}
