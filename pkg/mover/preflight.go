package mover

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// preflight checks what clusterctl checks, with EKS-A's rules: the target
// serves every kind in the graph, in the objects' versions; the graph is
// whole. Machines without a NodeRef (external etcd) and paused Clusters are
// expected, not refused.
func preflight(ctx context.Context, g *Graph, target *writable.Cluster) error {
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

// checkProviders refuses a move whose target runs an older (or no) copy of
// a provider the source has: its controllers would reconcile objects whose
// API they do not know, as clusterctl's checkTargetProviders refuses too.
func checkProviders(ctx context.Context, source, target *writable.Cluster) error {
	have, err := source.ListProviders(ctx)
	if err != nil {
		return err
	}
	want, err := target.ListProviders(ctx)
	if err != nil {
		return err
	}
	return CompareProviders(have, want, target.Name)
}

// CompareProviders checks that target has every provider of source at an
// equal or newer semver version, and names what to install or upgrade on
// the target cluster (targetName) in one line otherwise.
func CompareProviders(source, target []snapshot.Provider, targetName string) error {
	var needed []string
	for _, s := range source {
		want, err := version.ParseSemantic(s.Version)
		if err != nil {
			return fmt.Errorf("provider %s in %s has version %q, not semver: fix its inventory entry", s.Label(), s.Namespace, s.Version)
		}
		var best *version.Version
		for _, t := range target {
			if !s.Same(t) {
				continue
			}
			got, err := version.ParseSemantic(t.Version)
			if err != nil {
				return fmt.Errorf("provider %s in %s on the %s cluster has version %q, not semver: fix its inventory entry", t.Label(), t.Namespace, targetName, t.Version)
			}
			if best == nil || best.LessThan(got) {
				best = got
			}
		}
		switch {
		case best == nil:
			needed = append(needed, fmt.Sprintf("%s to >= v%s (missing)", s.Label(), want))
		case best.LessThan(want):
			needed = append(needed, fmt.Sprintf("%s to >= v%s (has v%s)", s.Label(), want, best))
		}
	}
	if len(needed) == 0 {
		return nil
	}
	sort.Strings(needed)
	return fmt.Errorf("install/upgrade %s on the %s cluster before moving (nothing was changed)", strings.Join(needed, ", "), targetName)
}
