package testworld

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// resetSignals turns green again, on management, what the signal
// scenarios turned red and a reset does not seed again: the controllers
// and kube-system's Deployments (and their crash-looping pods), Cilium's DaemonSet, the Nodes' Ready,
// and the objects the scenarios added. reseed and resetInPlace call it
// before seeding the next scenario.
func (w *World) resetSignals(ctx context.Context) error {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return err
	}
	var errs []error
	pods := s.client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "pods"})
	for _, c := range w.everyDeployment() {
		d := newObject("apps/v1", "Deployment", c.Namespace, c.Name, nil)
		errs = append(errs, ignoreMissing(s.changeStatus(ctx, d, func(u *unstructured.Unstructured) {
			set(u, DeploymentRunning(c.Name, w.Now), "status")
		})))
		if c.Namespace != eksa.Namespace { // eksa-system's pods are the in-place scenarios'
			errs = append(errs, pods.Namespace(c.Namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}))
		}
	}
	errs = append(errs, ignoreMissing(s.changeStatus(ctx, ciliumDaemonSet(0), func(u *unstructured.Unstructured) {
		desired, _, _ := unstructured.NestedInt64(u.Object, "status", "desiredNumberScheduled")
		set(u, daemonSetStatus(int(desired), int(desired)), "status")
	})))
	for _, m := range w.Cluster3().Machines {
		if m.NodeName != "" {
			errs = append(errs, ignoreMissing(s.changeStatus(ctx, nodeObject(m, w.Now), func(u *unstructured.Unstructured) {
				set(u, nodeObject(m, w.Now).Object["status"], "status")
			})))
		}
	}
	for _, o := range w.signalObjects() {
		errs = append(errs, deleteNow(ctx, s, o))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("turning the signals green again: %w", err)
	}
	return nil
}

func ignoreMissing(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
