package testworld

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// resetInPlace turns a world of Healthy or an in-place scenario into
// another of the same shape in a second or two: cluster3's objects, its
// EKS-A Cluster and what any in-place failure adds are deleted from
// management and seeded again with s's failure. A VM an earlier
// machine-vm-deleted removed is created again. Reset checks the shape.
func (w *World) resetInPlace(ctx context.Context, s Scenario) error {
	sc := scenarios[s]
	seeder, err := NewSeeder(w.Management.Config)
	if err != nil {
		return err
	}
	cluster := w.eksaCluster()
	var stale []*unstructured.Unstructured
	for _, c := range []cause{causeMHCBlocked, causeInPlaceStuck, causeWebhookDown} {
		stale = append(stale, w.shapeInPlace(c, nil)...)
	}
	stale = append(stale, w.signalObjects()...)
	var errs []error
	for _, o := range append(stale, cluster) {
		if err := deleteNow(ctx, seeder, o); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", o.GetKind(), o.GetName(), err))
		}
	}
	if err := errors.Join(append(errs, w.deleteCluster3(ctx, w.Management))...); err != nil {
		return fmt.Errorf("resetting management: %w", err)
	}
	if err := w.ensureVMs(ctx); err != nil {
		return err
	}
	if err := w.resetSignals(ctx); err != nil {
		return err
	}
	objs := append(append([]*unstructured.Unstructured{}, w.Cluster3().Objects...), cluster)
	if err := seeder.Apply(ctx, w.shapeInPlace(sc.cause, objs)); err != nil {
		return fmt.Errorf("seeding %s: %w", s, err)
	}
	w.Scenario = s
	return w.actInPlace(ctx, sc.cause)
}

// eksaCluster is cluster3's EKS-A Cluster as the world seeds it.
func (w *World) eksaCluster() *unstructured.Unstructured {
	return eksaObjects(EKSASpec{
		Name: SeedClusterName, ManagementCluster: SeedClusterName, EKSAVersion: w.EKSAVersion,
		KubernetesVersion: "1.23", Workers: countRole(w.Cluster3().Machines, RoleWorker), VCenter: w.VCSim.VCenter(),
		Now: w.Now, Flavour: w.Flavour,
	})[0]
}

// ensureVMs creates again the vSphere VMs of cluster3 that vcsim lost.
func (w *World) ensureVMs(ctx context.Context) error {
	c, finder, _, err := w.VCSim.login(ctx)
	if err != nil {
		return err
	}
	var missing []Machine
	for _, m := range w.Cluster3().Machines {
		if _, err := finder.VirtualMachine(ctx, m.Name); err != nil && m.Provider == "" {
			missing = append(missing, m)
		}
	}
	_ = c.Logout(ctx)
	if len(missing) == 0 {
		return nil
	}
	for _, m := range missing { // known again, so that addVMs adds no second
		w.vms[m.UUID] = true
	}
	return w.VCSim.AddVMs(ctx, missing)
}
