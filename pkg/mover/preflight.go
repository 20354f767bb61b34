package mover

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/version"
)

// preflight checks what clusterctl checks, with EKS-A's rules: the target
// serves every kind in the graph, in the objects' versions; the graph is
// whole. Machines without a NodeRef (external etcd) and paused Clusters are
// expected, not refused.
func preflight(ctx context.Context, g *Graph, target *Cluster) error {
	if err := g.CheckWhole(); err != nil {
		return err
	}
	var missing []string
	seen := map[schema.GroupKind]bool{}
	for _, k := range g.Keys() {
		gk := schema.GroupKind{Group: k.Group, Kind: k.Kind}
		if _, ok := target.Resources[gk]; !ok && !seen[gk] {
			seen[gk] = true
			missing = append(missing, gk.String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the %s cluster lacks the CRDs for %s: install those providers there first (nothing was changed)",
			target.Name, strings.Join(missing, ", "))
	}
	return servesVersions(ctx, g, target)
}

// providersGVR is clusterctl's provider inventory, one object per installed
// provider in the provider's own namespace (capi-system, capv-system, ...).
var providersGVR = schema.GroupVersionResource{Group: "clusterctl.cluster.x-k8s.io", Version: "v1alpha3", Resource: "providers"}

// Provider is one entry of clusterctl's inventory. clusterctl tells two
// providers apart by type and provider name, never by namespace.
type Provider struct {
	Namespace, Name, ProviderName, Type, Version string
}

func (p Provider) same(o Provider) bool { return p.ProviderName == o.ProviderName && p.Type == o.Type }

// label names the provider as clusterctl init does (infrastructure-vsphere).
func (p Provider) label() string {
	if p.Name != "" {
		return p.Name
	}
	return strings.ToLower(strings.TrimSuffix(p.Type, "Provider")) + "-" + p.ProviderName
}

// checkProviders refuses a move whose target runs an older (or no) copy of
// a provider the source has: its controllers would reconcile objects whose
// API they do not know, as clusterctl's checkTargetProviders refuses too.
func checkProviders(ctx context.Context, source, target *Cluster) error {
	have, err := listProviders(ctx, source)
	if err != nil {
		return err
	}
	want, err := listProviders(ctx, target)
	if err != nil {
		return err
	}
	return CompareProviders(have, want, target.Name)
}

// CompareProviders checks that target has every provider of source at an
// equal or newer semver version, and names what to install or upgrade on
// the target cluster (targetName) in one line otherwise.
func CompareProviders(source, target []Provider, targetName string) error {
	var needed []string
	for _, s := range source {
		want, err := version.ParseSemantic(s.Version)
		if err != nil {
			return fmt.Errorf("provider %s in %s has version %q, not semver: fix its inventory entry", s.label(), s.Namespace, s.Version)
		}
		var best *version.Version
		for _, t := range target {
			if !s.same(t) {
				continue
			}
			got, err := version.ParseSemantic(t.Version)
			if err != nil {
				return fmt.Errorf("provider %s in %s on the %s cluster has version %q, not semver: fix its inventory entry", t.label(), t.Namespace, targetName, t.Version)
			}
			if best == nil || best.LessThan(got) {
				best = got
			}
		}
		switch {
		case best == nil:
			needed = append(needed, fmt.Sprintf("%s to >= v%s (missing)", s.label(), want))
		case best.LessThan(want):
			needed = append(needed, fmt.Sprintf("%s to >= v%s (has v%s)", s.label(), want, best))
		}
	}
	if len(needed) == 0 {
		return nil
	}
	sort.Strings(needed)
	return fmt.Errorf("install/upgrade %s on the %s cluster before moving (nothing was changed)", strings.Join(needed, ", "), targetName)
}

// listProviders reads a cluster's inventory in every namespace; a cluster
// without clusterctl's inventory CRD has no providers to compare.
func listProviders(ctx context.Context, c *Cluster) ([]Provider, error) {
	l, err := c.Dyn.Resource(providersGVR).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the provider inventory of the %s cluster: %w", c.Name, err)
	}
	out := make([]Provider, 0, len(l.Items))
	for _, u := range l.Items {
		str := func(field string) string { s, _, _ := unstructured.NestedString(u.Object, field); return s }
		out = append(out, Provider{
			Namespace: u.GetNamespace(), Name: u.GetName(),
			ProviderName: str("providerName"), Type: str("type"), Version: str("version"),
		})
	}
	return out, nil
}
