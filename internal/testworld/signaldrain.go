package testworld

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Two failures of a worker Machine mid-upgrade: EKS-A pausing its own
// MachineHealthCheck for an in-place upgrade, and a drain a
// PodDisruptionBudget blocks.

// Names of the drain-blocked scenario's workload, for tests.
const (
	DrainPod       = "web-0"
	DrainBudget    = "web-pdb"
	DrainNamespace = "default"
)

// DrainBlockedMessage is the v1beta2 Machine's Deleting message for the
// drain started at start: snarkychef/cluster-api v0.1.0
// internal/controllers/machine/drain/drain.go ConditionMessage, around the
// eviction API's refusal (its status message and the budget's cause).
func DrainBlockedMessage(start time.Time) string {
	return fmt.Sprintf("Drain not completed yet (started at %s):\n* Pod %s/%s: cannot evict pod as it would violate the pod's disruption budget. "+
		"The disruption budget %s needs 1 healthy pods and has 1 currently", start.UTC().Format(time.RFC3339), DrainNamespace, DrainPod, DrainBudget)
}

// signalObjects are the objects those failures add, for resets to delete.
func (w *World) signalObjects() []*unstructured.Unstructured {
	md := SeedClusterName + "-md-0"
	return []*unstructured.Unstructured{
		newObject(EKSAAPIVersion, eksa.KindMachineDeploymentUpgrade, eksa.Namespace, md+"-md-upgrade", nil),
		newObject("v1", "Pod", DrainNamespace, DrainPod, nil),
		newObject("policy/v1", "PodDisruptionBudget", DrainNamespace, DrainBudget, nil),
	}
}

func (w *World) lastWorker() Machine {
	var worker Machine
	for _, m := range w.Cluster3().Machines {
		if m.Role == RoleWorker {
			worker = m
		}
	}
	return worker
}

// mhcPausedInPlace: EKS-A's MachineDeployment controller (v0.26.1
// controllers/machinedeployment_controller.go) made the
// MachineDeploymentUpgrade and put cluster.x-k8s.io/paused on the worker
// MachineHealthCheck, which Cluster API (v1beta2) reports as Paused.
func (w *World) mhcPausedInPlace(ctx context.Context, s *Seeder, at time.Time) error {
	md := SeedClusterName + "-md-0"
	mhcName := md + "-worker-unhealthy"
	mhc := newObject(w.Flavour.APIVersion(eksa.GroupCAPI), "MachineHealthCheck", eksa.Namespace, mhcName, nil)
	if _, err := s.get(ctx, mhc); apierrors.IsNotFound(err) {
		// The seed's vSphere cluster carries none; EKS-A creates it.
		cluster := newObject(w.Flavour.APIVersion(eksa.GroupCAPI), "Cluster", eksa.Namespace, SeedClusterName, nil)
		if err := s.learnUID(ctx, cluster); err != nil {
			return err
		}
		mhc = w.newCluster(SeedClusterName).WithWorkers(w.Workers).machineHealthChecks(w.Now, cluster)[1]
		if err := s.Apply(ctx, []*unstructured.Unstructured{mhc}); err != nil {
			return err
		}
	}
	if err := s.change(ctx, mhc, func(u *unstructured.Unstructured) { annotate(u, eksa.AnnotationCAPIPaused, "true") }); err != nil {
		return err
	}
	if w.Flavour == V1Beta2 {
		paused := map[string]any{"type": "Paused", "status": "True", "reason": "Paused", "observedGeneration": int64(2),
			"message": "MachineHealthCheck has the cluster.x-k8s.io/paused annotation", "lastTransitionTime": at.UTC().Format(time.RFC3339)}
		if err := s.changeStatus(ctx, mhc, func(u *unstructured.Unstructured) { replaceConditions(u, conditionLists[0], paused) }); err != nil {
			return err
		}
	}
	mdObj := newObject(w.Flavour.APIVersion(eksa.GroupCAPI), "MachineDeployment", eksa.Namespace, md, nil)
	if err := s.change(ctx, mdObj, func(u *unstructured.Unstructured) { annotate(u, eksa.AnnotationMDInPlaceUpgradeNeeded, "true") }); err != nil {
		return err
	}
	if err := s.learnUID(ctx, mdObj); err != nil {
		return err
	}
	worker := w.lastWorker()
	mdu := newObject(EKSAAPIVersion, eksa.KindMachineDeploymentUpgrade, eksa.Namespace, md+"-md-upgrade", nil)
	ownedBy(mdu, mdObj, false)
	set(mdu, map[string]any{
		"machineDeployment":      map[string]any{"kind": "MachineDeployment", "namespace": eksa.Namespace, "name": md},
		"kubernetesVersion":      worker.Version,
		"machinesRequireUpgrade": []any{map[string]any{"kind": "Machine", "namespace": eksa.Namespace, "name": worker.Name}},
		"machineSpecData":        base64Std([]byte(`{"clusterName":"` + SeedClusterName + `"}`)),
	}, "spec")
	set(mdu, map[string]any{"requireUpgrade": int64(1), "upgraded": int64(0), "ready": false}, "status")
	return s.Apply(ctx, []*unstructured.Unstructured{mdu})
}

// learnUID records obj's UID on the server, so what it owns can be seeded.
func (s *Seeder) learnUID(ctx context.Context, obj *unstructured.Unstructured) error {
	live, err := s.get(ctx, obj)
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	s.setUID(ownerKey(obj.GetNamespace(), obj.GetAPIVersion(), obj.GetKind(), obj.GetName()), live.GetUID())
	return nil
}

// drainBlocked: the last worker's Machine is being deleted and its Node's
// drain waits on a PodDisruptionBudget that allows no disruption.
func (w *World) drainBlocked(ctx context.Context, s *Seeder, at time.Time) error {
	worker := w.lastWorker()
	labels := map[string]string{"app": "web"}
	pdb := newObject("policy/v1", "PodDisruptionBudget", DrainNamespace, DrainBudget, nil)
	set(pdb, map[string]any{"minAvailable": 1, "selector": map[string]any{"matchLabels": labels}}, "spec")
	set(pdb, map[string]any{"observedGeneration": 1, "currentHealthy": 1, "desiredHealthy": 1, "expectedPods": 1, "disruptionsAllowed": 0,
		"conditions": []any{map[string]any{"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods",
			"message": "", "observedGeneration": int64(1), "lastTransitionTime": at.UTC().Format(time.RFC3339)}}}, "status")
	pod := newObject("v1", "Pod", DrainNamespace, DrainPod, labels)
	set(pod, map[string]any{"nodeName": worker.NodeName, "containers": []any{map[string]any{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27"}}}, "spec")
	ts := w.Now.Add(-24 * time.Hour).UTC().Format(time.RFC3339)
	set(pod, map[string]any{"phase": "Running", "startTime": ts, "conditions": []any{
		map[string]any{"type": "Ready", "status": "True", "lastTransitionTime": ts}}}, "status")
	if err := s.Apply(ctx, []*unstructured.Unstructured{pdb, pod}); err != nil {
		return err
	}

	machine := newObject(w.Flavour.APIVersion(eksa.GroupCAPI), "Machine", eksa.Namespace, worker.Name, nil)
	ri, err := s.resource(machine)
	if err != nil {
		return err
	}
	// CAPI's finalizer holds the Machine while it drains (patched outside
	// the seeder: the server warns about its unqualified name).
	if _, err := ri.Patch(ctx, worker.Name, types.MergePatchType, []byte(`{"metadata":{"finalizers":["machine.cluster.x-k8s.io"]}}`), metav1.PatchOptions{}); err != nil {
		return err
	}
	if err := ri.Delete(ctx, worker.Name, metav1.DeleteOptions{}); err != nil {
		return err
	}
	start := at.UTC().Format(time.RFC3339)
	return s.changeStatus(ctx, machine, func(u *unstructured.Unstructured) {
		set(u, "Deleting", "status", "phase")
		if w.Flavour == V1Beta2 {
			msg := DrainBlockedMessage(at)
			set(u, map[string]any{"nodeDrainStartTime": start}, "status", "deletion")
			replaceConditions(u, conditionLists[0], map[string]any{"type": "Deleting", "status": "True", "reason": "DrainingNode",
				"message": msg, "observedGeneration": u.GetGeneration(), "lastTransitionTime": start})
			replaceConditions(u, conditionLists[1], v1beta1False("DrainingSucceeded", "Info", "Draining", msg, at))
			return
		}
		// Cluster API v1.4 logs the eviction error and keeps the first message.
		replaceConditions(u, conditionLists[0], v1beta1False("DrainingSucceeded", "Info", "Draining", "Draining the node before deletion", at))
	})
}
