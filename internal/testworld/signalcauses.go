package testworld

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Failures that show only in readiness signals, each written after the
// seed as its controller writes it, stuckSince before Now.
const (
	causeEtcdNotReady     cause = "etcd-not-ready"
	causeControllerCrash  cause = "controller-crashloop"
	causeHardwareShort    cause = "hardware-short"
	causeComponentsAhead  cause = "components-ahead"
	causeWorkloadRefused  cause = "workload-refused"
	causeCNINotReady      cause = "cni-not-ready"
	causeMHCPausedInPlace cause = "mhc-paused-inplace"
	causeDrainBlocked     cause = "drain-blocked"
)

// Messages the scenarios carry verbatim, for tests.
const (
	// EtcdScalingUpMessage: etcdadm-controller v1.0.28 controllers/status.go
	// with 3 members asked for and 2 healthy.
	EtcdScalingUpMessage = "Scaling up etcd cluster to 3 replicas (actual 2)"
	// HardwareShortMessage: aws/eks-anywhere v0.26.1
	// pkg/providers/tinkerbell/reconciler/reconciler.go ValidateHardware
	// wrapping assert.go's rolling-upgrade check (selector JSON-encoded).
	HardwareShortMessage = `hardware validation failure: for rolling upgrade, minimum hardware count not met for selector '{"type":"worker"}': have 0, require 1`
)

// actSignals writes c's red signals into the management cluster.
func (w *World) actSignals(ctx context.Context, c cause) error {
	if c == "" {
		return nil
	}
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return err
	}
	at := w.Now.Add(-stuckSince)
	switch c {
	case causeEtcdNotReady:
		return w.etcdNotReady(ctx, s, at)
	case causeControllerCrash:
		_, err := w.TurnRed(ctx, Signal{Kind: SignalDeployment, APIVersion: "apps/v1", ObjectKind: "Deployment",
			Namespace: w.provider().info().namespace, Name: controllerNames[w.provider().info().inventoryName]}, time.Since(at))
		return err
	case causeHardwareShort:
		if err := deleteNow(ctx, s, newObject("tinkerbell.org/v1alpha1", "Hardware", eksa.Namespace, SeedClusterName+"-spare-hw", nil)); err != nil {
			return err
		}
		return w.failEKSACluster(ctx, s, SeedClusterName, "HardwareInvalid", HardwareShortMessage, nil)
	case causeComponentsAhead:
		return w.componentsAhead(ctx, s)
	case causeWorkloadRefused:
		if len(w.Clusters) < 2 {
			return fmt.Errorf("testworld: %s needs a workload cluster", c)
		}
		next := nextMinor(w.EKSAVersion)
		msg := fmt.Sprintf("cannot upgrade workload cluster to %s while management cluster is an older version: %s", next, w.EKSAVersion)
		return w.failEKSACluster(ctx, s, w.Clusters[1].Name, "EksaVersionInvalid", msg, func(u *unstructured.Unstructured) {
			set(u, next, "spec", "eksaVersion")
		})
	case causeCNINotReady:
		return w.cniNotReady(ctx, at)
	case causeMHCPausedInPlace:
		return w.mhcPausedInPlace(ctx, s, at)
	case causeDrainBlocked:
		return w.drainBlocked(ctx, s, at)
	}
	return nil
}

// etcdNotReady: one of three etcd members down. etcdadm-controller counts
// two ready, the fork mirrors its Ready into ManagedEtcdReady and pauses
// the control plane, EKS-A marks ControlPlaneReady False.
func (w *World) etcdNotReady(ctx context.Context, s *Seeder, at time.Time) error {
	scaling := v1beta1False("Ready", "Warning", "ScalingUp", EtcdScalingUpMessage, at)
	resize := v1beta1False("EtcdClusterResizeCompleted", "Warning", "ScalingUp", EtcdScalingUpMessage, at)
	if err := s.changeStatus(ctx, newObject(EtcdClusterAPIVersion, "EtcdadmCluster", eksa.Namespace, SeedClusterName+"-etcd", nil), func(u *unstructured.Unstructured) {
		desired, _, _ := unstructured.NestedInt64(u.Object, "spec", "replicas")
		set(u, false, "status", "ready")
		set(u, max(0, desired-1), "status", "replicas")
		replaceConditions(u, conditionLists[0], scaling, resize)
	}); err != nil {
		return err
	}
	mirrored := v1beta1False(ConditionManagedEtcdReady, "Warning", "ScalingUp", EtcdScalingUpMessage, at)
	if err := s.changeStatus(ctx, newObject(w.Flavour.APIVersion(eksa.GroupCAPI), "Cluster", eksa.Namespace, SeedClusterName, nil), func(u *unstructured.Unstructured) {
		set(u, false, "status", "managedExternalEtcdReady")
		if w.Flavour == V1Beta2 { // the v1beta1 summary leaves etcd out in the v1beta2 fork
			replaceConditions(u, conditionLists[1], mirrored)
			return
		}
		replaceConditions(u, conditionLists[0], mirrored, v1beta1False("Ready", "Warning", "ScalingUp", EtcdScalingUpMessage, at))
	}); err != nil {
		return err
	}
	if err := s.change(ctx, newObject(w.Flavour.APIVersion(eksa.GroupControlPlane), "KubeadmControlPlane", eksa.Namespace, SeedClusterName, nil), func(u *unstructured.Unstructured) {
		annotate(u, eksa.AnnotationCAPIPaused, "true")
	}); err != nil {
		return err
	}
	if !eksaHasConditions(w.EKSAVersion, w.Flavour) {
		return nil
	}
	return s.changeStatus(ctx, newObject(EKSAAPIVersion, "Cluster", "default", SeedClusterName, nil), func(u *unstructured.Unstructured) {
		replaceConditions(u, conditionLists[0],
			v1beta1False("Ready", "Info", "RollingUpgradeInProgress", "Etcd is not ready", at),
			v1beta1False("ControlPlaneReady", "Info", "RollingUpgradeInProgress", "Etcd is not ready", at))
	})
}

// failEKSACluster writes failureMessage and failureReason on an EKS-A
// Cluster as EKS-A's SetFailure does, after change (if any) to its spec.
// The change bumps the generation and status.observedGeneration stays, as
// EKS-A leaves it: its Reconcile returns the validation's error, and only a
// reconcile without one patches observedGeneration (aws/eks-anywhere
// controllers/cluster_controller.go, WithStatusObservedGeneration).
func (w *World) failEKSACluster(ctx context.Context, s *Seeder, name, reason, message string, change func(*unstructured.Unstructured)) error {
	obj := newObject(EKSAAPIVersion, "Cluster", "default", name, nil)
	if change != nil {
		if err := s.change(ctx, obj, change); err != nil {
			return err
		}
	}
	return s.changeStatus(ctx, obj, func(u *unstructured.Unstructured) {
		set(u, message, "status", "failureMessage")
		set(u, reason, "status", "failureReason")
	})
}

// componentsAhead: `upgrade management-components` to the next minor, as
// it leaves it on purpose: the annotation and the controller's image move,
// spec.eksaVersion stays.
func (w *World) componentsAhead(ctx context.Context, s *Seeder) error {
	next := nextMinor(w.EKSAVersion)
	if err := s.change(ctx, newObject(EKSAAPIVersion, "Cluster", "default", SeedClusterName, nil), func(u *unstructured.Unstructured) {
		annotate(u, eksa.AnnotationManagementComponentsVersion, next)
	}); err != nil {
		return err
	}
	return s.change(ctx, newObject("apps/v1", "Deployment", eksa.Namespace, eksa.ControllerDeployment, nil), func(u *unstructured.Unstructured) {
		containers, _, _ := unstructured.NestedSlice(u.Object, "spec", "template", "spec", "containers")
		containers[0].(map[string]any)["image"] = "public.ecr.aws/eks-anywhere/cluster-controller:" + next + "-eks-a-" + bundleNumber(next)
		set(u, containers, "spec", "template", "spec", "containers")
	})
}

// cniNotReady: after the upgrade the last worker's kubelet finds no CNI,
// and Cilium's agent there is not ready.
func (w *World) cniNotReady(ctx context.Context, at time.Time) error {
	var node string
	for _, m := range w.Cluster3().Machines {
		if m.Role == RoleWorker {
			node = m.NodeName
		}
	}
	age := time.Since(at)
	if _, err := w.TurnRed(ctx, Signal{Kind: SignalNode, APIVersion: "v1", ObjectKind: "Node", Name: node, Condition: "Ready"}, age); err != nil {
		return err
	}
	_, err := w.TurnRed(ctx, Signal{Kind: SignalDaemonSet, APIVersion: "apps/v1", ObjectKind: "DaemonSet", Namespace: "kube-system", Name: CNIDaemonSet}, age)
	return err
}

// nextMinor is the release after v: v0.22.0 -> v0.23.0.
func nextMinor(v string) string { return fmt.Sprintf("v0.%d.0", minorOf(v)+1) }

func annotate(u *unstructured.Unstructured, key, value string) {
	a := u.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[key] = value
	u.SetAnnotations(a)
}

// replaceConditions puts conds in place of the conditions of their types
// in the list at path, appending those it lacks.
func replaceConditions(u *unstructured.Unstructured, path []string, conds ...map[string]any) {
	list, _, _ := unstructured.NestedSlice(u.Object, path...)
	for _, c := range conds {
		found := false
		for i, old := range list {
			if old.(map[string]any)["type"] == c["type"] {
				list[i], found = c, true
			}
		}
		if !found {
			list = append(list, c)
		}
	}
	set(u, list, path...)
}

// change reads obj, applies f and writes it back (metadata and spec).
func (s *Seeder) change(ctx context.Context, obj *unstructured.Unstructured, f func(*unstructured.Unstructured)) error {
	u, err := s.get(ctx, obj)
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	f(u)
	ri, err := s.resource(u)
	if err != nil {
		return err
	}
	if _, err := ri.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return nil
}

// changeStatus reads obj, applies f and writes its status back.
func (s *Seeder) changeStatus(ctx context.Context, obj *unstructured.Unstructured, f func(*unstructured.Unstructured)) error {
	u, err := s.get(ctx, obj)
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	f(u)
	return s.writeStatus(ctx, u)
}
