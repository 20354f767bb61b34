package testworld

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/vmware/govmomi/object"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// What goes wrong in vCenter during a failed upgrade, for tests: a VM
// powered off or suspended, a VM gone, a VM left behind.

// PowerOff powers off the VM named name.
func (v *VCSim) PowerOff(ctx context.Context, name string) error {
	return v.withVM(ctx, name, func(vm *object.VirtualMachine) (*object.Task, error) { return vm.PowerOff(ctx) })
}

// Suspend suspends the VM named name.
func (v *VCSim) Suspend(ctx context.Context, name string) error {
	return v.withVM(ctx, name, func(vm *object.VirtualMachine) (*object.Task, error) { return vm.Suspend(ctx) })
}

// DestroyVM powers off and deletes the VM named name, as an admin deleting
// it in vCenter would.
func (v *VCSim) DestroyVM(ctx context.Context, name string) error {
	return v.withVM(ctx, name, func(vm *object.VirtualMachine) (*object.Task, error) {
		if off, err := vm.PowerOff(ctx); err == nil {
			_ = off.Wait(ctx) // already off is fine
		}
		return vm.Destroy(ctx)
	})
}

// AddOrphanVM creates a powered-on VM named name that no Machine points
// to: what a rolling replacement that never became ready leaves.
func (v *VCSim) AddOrphanVM(ctx context.Context, name string) error {
	return v.AddVMs(ctx, []Machine{{Name: name, UUID: stableUUID("orphan/" + name)}})
}

// SetLatency makes vcsim wait d before answering each SOAP call, as a
// vCenter across a network does; 0 answers at once.
func (v *VCSim) SetLatency(d time.Duration) { v.model.DelayConfig.Delay = int(d / time.Millisecond) }

// LoginURL is the SDK URL with the world's credentials, for govmomi clients.
func (v *VCSim) LoginURL() *url.URL {
	u := *v.server.URL
	u.User = url.UserPassword(VCenterUser, v.Password)
	return &u
}

func (v *VCSim) withVM(ctx context.Context, name string, op func(*object.VirtualMachine) (*object.Task, error)) error {
	c, finder, _, err := v.login(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(ctx) }()
	vm, err := finder.VirtualMachine(ctx, name)
	if err != nil {
		return err
	}
	task, err := op(vm)
	if err == nil {
		err = task.Wait(ctx)
	}
	if err != nil {
		return fmt.Errorf("VM %s: %w", name, err)
	}
	return nil
}

var (
	gvrDatacenterConfig = schema.GroupVersionResource{Group: eksa.GroupEKSA, Version: "v1alpha1", Resource: "vspheredatacenterconfigs"}
	gvrVSphereCluster   = schema.GroupVersionResource{Group: eksa.GroupInfrastructure, Version: "v1beta1", Resource: "vsphereclusters"}
)

// SetVCenter points cluster3's VSphereDatacenterConfig and VSphereCluster,
// wherever they are on a running server, at another server and thumbprint:
// how tests make vCenter unreachable or its certificate untrusted.
func (w *World) SetVCenter(ctx context.Context, server, thumbprint string) error {
	patch := func(cfg *rest.Config, gvr schema.GroupVersionResource, ns string) error {
		c, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return err
		}
		obj, err := c.Resource(gvr).Namespace(ns).Get(ctx, SeedClusterName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil // not on this side
		}
		if err != nil {
			return err
		}
		_ = unstructured.SetNestedField(obj.Object, server, "spec", "server")
		_ = unstructured.SetNestedField(obj.Object, thumbprint, "spec", "thumbprint")
		_, err = c.Resource(gvr).Namespace(ns).Update(ctx, obj, metav1.UpdateOptions{})
		return err
	}
	for _, s := range []*Server{w.Management, w.Bootstrap} {
		if !s.Running() {
			continue
		}
		if err := patch(s.Config, gvrDatacenterConfig, "default"); err != nil {
			return err
		}
		if err := patch(s.Config, gvrVSphereCluster, eksa.Namespace); err != nil {
			return err
		}
	}
	return nil
}
