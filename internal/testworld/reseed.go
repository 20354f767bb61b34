package testworld

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// reseed turns a running world into the scenario of o (defaults applied)
// in a few seconds: every object the world seeded is deleted from both
// servers (wherever a move left it), the clusters are built again for the
// scenario and seeded, and eksctl's files rewritten. It needs both servers
// (KinD's keeps running when the new scenario has none; only its
// kubeconfig goes) and stops none; Reset checks that.
func (w *World) reseed(ctx context.Context, o Options) error {
	sc, s := scenarios[o.Scenario], o.Scenario
	old := w.seededObjects()
	for _, srv := range []*Server{w.Bootstrap, w.Management} {
		if err := deleteObjects(ctx, srv, old); err != nil {
			return fmt.Errorf("resetting %s: %w", srv.Name, err)
		}
	}
	if err := w.clearWorkspace(); err != nil {
		return err
	}

	w.Options = o
	if err := w.build(sc); err != nil {
		return err
	}
	mgmt, err := NewSeeder(w.Management.Config)
	if err != nil {
		return err
	}
	boot, err := NewSeeder(w.Bootstrap.Config)
	if err != nil {
		return err
	}
	w.Logf("reseeding scenario %s (%s, %s)", s, w.Flavour, w.provider())
	if err := w.resetSignals(ctx); err != nil {
		return err
	}
	if err := w.seedObjects(ctx, sc, mgmt, boot); err != nil {
		return err
	}
	// As Start does: machine-vm-deleted destroys a VM addVMs created.
	if err := w.addVMs(ctx); err != nil {
		return err
	}
	if err := w.actInPlace(ctx, sc.cause); err != nil {
		return err
	}
	return w.writeWorkspace(ctx, sc)
}

// seededObjects is everything any scenario of the world may have seeded:
// the clusters' objects, EKS-A's objects, the Bundles and the Nodes.
func (w *World) seededObjects() []*unstructured.Unstructured {
	out := append(bundlesObjects(w.EKSAVersion, w.Now), ciliumDaemonSet(0))
	for _, c := range w.Clusters {
		out = append(out, c.Objects...)
		out = append(out, eksaObjects(EKSASpec{Name: c.Name, EKSAVersion: w.EKSAVersion, Provider: w.Provider})...)
		for _, m := range c.Machines {
			if m.NodeName != "" {
				out = append(out, nodeObject(m, w.Now))
			}
		}
	}
	return out
}

// deleteObjects deletes objs (those there) and the move Leases from srv.
func deleteObjects(ctx context.Context, srv *Server, objs []*unstructured.Unstructured) error {
	seeder, err := NewSeeder(srv.Config)
	if err != nil {
		return err
	}
	if err := seeder.client.Resource(leaseGVR).Namespace(eksa.Namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		return fmt.Errorf("deleting the move Leases: %w", err)
	}
	return errors.Join(writeEach(objs, func(obj *unstructured.Unstructured) error {
		// A kind the server does not serve (EKS-A's in KinD) holds nothing.
		if err := deleteNow(ctx, seeder, obj); err != nil && !meta.IsNoMatchError(err) {
			return fmt.Errorf("%s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		return nil
	})...)
}

// clearWorkspace removes the scenario's files: KinD's kubeconfig, the
// checkpoint and every backup (eksctl's and the plugin's).
func (w *World) clearWorkspace() error {
	l := w.Layout
	for _, f := range []string{l.BootstrapKubeconfig(), l.Checkpoint()} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	backups, err := filepath.Glob(filepath.Join(l.Dir(), "*backup-*"))
	if err != nil {
		return err
	}
	for _, b := range backups {
		if err := os.RemoveAll(b); err != nil {
			return err
		}
	}
	return nil
}
