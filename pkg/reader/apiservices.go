package reader

import (
	"context"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

var apiServiceGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// unavailableAPIs reads why the groups discovery could not reach are down:
// the APIService of each (named <version>.<group>), as its availability
// condition says, when it does not read Available. A group with no such
// APIService, or whose APIService reads Available all the same, is a read
// that failed, and is said so: what it serves is not known.
func (r *reader) unavailableAPIs(ctx context.Context, groups map[schema.GroupVersion]error) ([]snapshot.Object, error) {
	items, err := r.listOptional(ctx, apiServiceGVR, "")
	if err != nil {
		return nil, err
	}
	byName := map[string]snapshot.Object{}
	for i := range items {
		o := toObject(&items[i])
		if !available(o) {
			byName[o.Name] = o
		}
	}
	var out []snapshot.Object
	for gv, discoveryErr := range groups {
		if o, ok := byName[gv.Version+"."+gv.Group]; ok {
			out = append(out, o)
			continue
		}
		r.unread(snapshot.VerbDiscover, gv.String(), "", fmt.Errorf("the API server cannot serve %s: %w", gv, discoveryErr))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// available: the APIService's Available condition reads True.
func available(o snapshot.Object) bool {
	for _, c := range o.Conditions {
		if c.Type == "Available" {
			return c.Status == "True"
		}
	}
	return false
}
