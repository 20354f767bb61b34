package testworld

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// seed writes the scenario into the servers.
func (w *World) seed(ctx context.Context, sc scenario) error {
	mgmt, err := w.seedBase(ctx, w.Management)
	if err != nil {
		return err
	}
	var boot *Seeder
	if w.Bootstrap != nil {
		if boot, err = w.seedBase(ctx, w.Bootstrap); err != nil {
			return err
		}
	}
	if sc.objects == notSeeded {
		return nil
	}

	// Management keeps EKS-A's objects, the Bundles and the Nodes whatever
	// happened to the CAPI objects: they are never moved.
	var onMgmt []*unstructured.Unstructured
	onMgmt = append(onMgmt, bundlesObjects(w.EKSAVersion)...)
	for _, c := range w.Clusters {
		onMgmt = append(onMgmt, eksaObjects(EKSASpec{
			Name: c.Name, ManagementCluster: SeedClusterName, EKSAVersion: w.EKSAVersion,
			KubernetesVersion: "1.23", Workers: countRole(c.Machines, RoleWorker),
			Paused: sc.eksaPaused, VCenter: w.VCSim.VCenter(),
		})...)
	}
	for _, m := range w.Cluster3().Machines {
		if m.NodeName != "" {
			onMgmt = append(onMgmt, nodeObject(m, w.Now))
		}
	}
	for _, c := range w.Clusters[1:] {
		onMgmt = append(onMgmt, c.Objects...)
	}

	objs := w.Cluster3().Objects
	var inBoot []*unstructured.Unstructured
	switch sc.objects {
	case onManagement:
		onMgmt = append(onMgmt, objs...)
	case inBootstrap:
		inBoot = objs
	case splitAcross:
		// A move creates group by group in owner order and deletes in the
		// reverse order; its copies carry no status (controllers rebuild it).
		var order []*unstructured.Unstructured
		for _, group := range ownerLevels(objs) {
			order = append(order, group...)
		}
		created, deleted := w.splitCounts(len(order))
		onMgmt = append(onMgmt, stripStatus(order[:created])...)
		inBoot = order[:len(order)-deleted]
	}
	if err := mgmt.Apply(ctx, w.shapeInPlace(sc.cause, onMgmt)); err != nil {
		return fmt.Errorf("seeding management: %w", err)
	}
	if len(inBoot) > 0 {
		if boot == nil {
			return fmt.Errorf("scenario %s puts objects in a bootstrap cluster it does not start", w.Scenario)
		}
		if err := boot.Apply(ctx, inBoot); err != nil {
			return fmt.Errorf("seeding bootstrap: %w", err)
		}
	}
	return nil
}

// seedBase creates the namespaces and the provider inventory eksctl leaves
// on both clusters.
func (w *World) seedBase(ctx context.Context, s *Server) (*Seeder, error) {
	seeder, err := NewSeeder(s.Config)
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, ns := range append([]string{eksa.Namespace}, ProviderNamespaces(w.Flavour)...) {
		objs = append(objs, newObject("v1", "Namespace", "", ns, nil))
	}
	if err := seeder.Apply(ctx, objs); err != nil {
		return nil, fmt.Errorf("seeding %s: %w", s.Name, err)
	}
	if err := seeder.Apply(ctx, inventoryObjects(w.Flavour)); err != nil {
		return nil, fmt.Errorf("seeding %s: %w", s.Name, err)
	}
	return seeder, nil
}

func (w *World) splitCounts(total int) (created, deleted int) {
	created, deleted = w.SplitCreated, w.SplitDeleted
	if created <= 0 || created > total {
		created = total
	}
	switch {
	case deleted == 0:
		deleted = total / 3
	case deleted < 0:
		deleted = 0
	}
	// A move deletes from the source only once every object exists on the target.
	if created < total {
		deleted = 0
	}
	return created, min(deleted, total)
}

func countRole(ms []Machine, r Role) int {
	n := 0
	for _, m := range ms {
		if m.Role == r {
			n++
		}
	}
	return n
}
