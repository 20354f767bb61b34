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
	return w.seedObjects(ctx, sc, mgmt, boot)
}

// seedObjects writes the scenario's objects, the namespaces and the
// provider inventory being there already.
func (w *World) seedObjects(ctx context.Context, sc scenario, mgmt, boot *Seeder) error {
	if sc.objects == notSeeded {
		return nil
	}

	// Management keeps EKS-A's objects, the Bundles and the Nodes whatever
	// happened to the CAPI objects: they are never moved. A cluster being
	// created has only its Nodes there yet.
	var onMgmt []*unstructured.Unstructured
	if !sc.create {
		onMgmt = append(onMgmt, bundlesObjects(w.EKSAVersion, w.Now)...)
		for _, c := range w.Clusters {
			onMgmt = append(onMgmt, eksaObjects(EKSASpec{
				Name: c.Name, ManagementCluster: SeedClusterName, EKSAVersion: w.EKSAVersion,
				KubernetesVersion: "1.23", Workers: countRole(c.Machines, RoleWorker),
				Paused: sc.eksaPaused, VCenter: w.VCSim.VCenter(), Provider: w.Provider,
				Now: w.Now, Flavour: w.Flavour,
			})...)
		}
	}
	for _, m := range w.Cluster3().Machines {
		if m.NodeName != "" {
			onMgmt = append(onMgmt, nodeObject(m, w.Now))
		}
	}
	onMgmt = append(onMgmt, ciliumDaemonSet(w.nodeCount()))
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
	// Clusters share some objects by name (CloudStack's credentials Secret
	// is named after its profile, "global"): one copy, the first.
	if err := mgmt.Apply(ctx, w.shapeInPlace(sc.cause, withoutDuplicates(onMgmt))); err != nil {
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
	for _, ns := range append([]string{eksa.Namespace, CertManagerNamespace}, ProviderNamespacesFor(w.Flavour, w.provider())...) {
		objs = append(objs, newObject("v1", "Namespace", "", ns, nil))
	}
	if err := seeder.Apply(ctx, objs); err != nil {
		return nil, fmt.Errorf("seeding %s: %w", s.Name, err)
	}
	if err := seeder.Apply(ctx, inventoryObjects(w.Flavour, w.provider())); err != nil {
		return nil, fmt.Errorf("seeding %s: %w", s.Name, err)
	}
	// The providers' controllers run where clusterctl installed them.
	if err := seeder.Apply(ctx, controllerObjects(w.Flavour, w.provider(), w.Now)); err != nil {
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

func withoutDuplicates(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	seen := map[string]bool{}
	out := objs[:0:0]
	for _, o := range objs {
		key := ownerKey(o.GetNamespace(), o.GetAPIVersion(), o.GetKind(), o.GetName())
		if !seen[key] {
			seen[key] = true
			out = append(out, o)
		}
	}
	return out
}
