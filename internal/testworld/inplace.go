package testworld

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// What stops today's in-place upgrades (EKS-A v0.18+), seeded as the
// controllers leave it on a cluster3 that is home and not paused: status
// written as its controller writes it in the world's contract, stamped
// two hours before Now (past the plugin's threshold), and for
// machine-vm-deleted a real deletion and a VM deleted in vcsim.

// cause is one scenario's failure; "" for the others.
type cause string

const (
	causeRolloutStuck     cause = "rollout-stuck"
	causeMachineVMDeleted cause = "machine-vm-deleted"
	causeMHCBlocked       cause = "mhc-blocked"
	causeInPlaceStuck     cause = "inplace-stuck"
	causeCertsExpired     cause = "certs-expired"
	causeComponentsHalf   cause = "components-half-upgraded"
	causeWebhookDown      cause = "webhook-down"
)

// stuckSince is how long before Now the failure happened.
const stuckSince = 2 * time.Hour

// EraFlavour is the contract an EKS-A release stores CAPI objects in:
// v1beta2 from v0.24 (cluster-api v1.11), v1beta1 before.
func EraFlavour(eksaVersion string) Flavour {
	if eraAtLeast(eksaVersion, "v0.24") {
		return V1Beta2
	}
	return V1Beta1
}

// shapeInPlace returns objs with the cause applied: the objects it changes
// are copies (the built cluster is reused by resets), the ones it adds
// come last.
func (w *World) shapeInPlace(c cause, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	if c == "" {
		return objs
	}
	at := w.Now.Add(-stuckSince).UTC().Format(time.RFC3339)
	f := w.Flavour
	out := make([]*unstructured.Unstructured, 0, len(objs)+2)
	for _, o := range objs {
		o = o.DeepCopy()
		switch {
		case c == causeRolloutStuck && o.GetKind() == "KubeadmControlPlane":
			stuckControlPlane(f, o, at)
		case c == causeCertsExpired && o.GetAPIVersion() == "v1" && o.GetKind() == "Secret":
			expireSecretCertificates(o, w.Now)
		case o.GetAPIVersion() == EKSAAPIVersion && o.GetKind() == "Cluster" && o.GetName() == SeedClusterName:
			shapeEKSACluster(c, o, w.EKSAVersion)
		}
		out = append(out, o)
	}
	switch c {
	case causeMHCBlocked:
		out = append(out, w.blockedHealthCheck(at))
	case causeInPlaceStuck:
		out = append(out, w.nodeUpgrade(at)...)
	case causeWebhookDown:
		out = append(out, deadWebhook())
	}
	return out
}

// stuckControlPlane: three control-plane nodes asked for, one there, the
// scale-up stopped (aws/eks-anywhere#10782).
func stuckControlPlane(f Flavour, kcp *unstructured.Unstructured, at string) {
	msg := "Scaling up control plane nodes, 3 expected (1 actual)"
	set(kcp, int64(3), "spec", "replicas")
	old := []any{
		map[string]any{"type": "Ready", "status": "False", "severity": "Warning", "reason": "ScalingUp", "message": msg, "lastTransitionTime": at},
		map[string]any{"type": "Resized", "status": "False", "severity": "Warning", "reason": "ScalingUp", "message": msg, "lastTransitionTime": at},
	}
	if f == V1Beta2 {
		set(kcp, append(f.conditions(mustParse(at), "Available", "Initialized", "EtcdClusterHealthy"),
			map[string]any{"type": "ScalingUp", "status": "True", "reason": "ScalingUp",
				"message": "Scaling up from 1 to 3 replicas is blocked because: waiting for a control plane Machine to be provisioned", "lastTransitionTime": at}),
			"status", "conditions")
		set(kcp, map[string]any{"v1beta1": map[string]any{"conditions": old, "readyReplicas": int64(1), "updatedReplicas": int64(1)}}, "status", "deprecated")
		return
	}
	set(kcp, old, "status", "conditions")
}

// shapeEKSACluster writes what the EKS-A controller (or a cut-off
// management-components upgrade) leaves on the EKS-A Cluster.
func shapeEKSACluster(c cause, o *unstructured.Unstructured, version string) {
	switch {
	case c == causeCertsExpired && eraAtLeast(version, "v0.24"):
		// status.clusterCertificateInfo is v0.24's; before, only the
		// Secrets' certificates show it (expireSecretCertificates).
		set(o, []any{
			map[string]any{"machine": "cluster3-2snw8", "expiresInDays": int64(0)},
			map[string]any{"machine": "cluster3-etcd-chkc5", "expiresInDays": int64(12)},
		}, "status", "clusterCertificateInfo")
	case c == causeComponentsHalf:
		a := o.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[eksa.AnnotationManagementComponentsVersion] = previousMinor(version)
		o.SetAnnotations(a)
	}
}

// blockedHealthCheck is the EKS-A controller's worker MachineHealthCheck,
// refusing to remediate.
func (w *World) blockedHealthCheck(at string) *unstructured.Unstructured {
	f := w.Flavour
	mhc := newObject(f.APIVersion(eksa.GroupCAPI), "MachineHealthCheck", eksa.Namespace, SeedClusterName+"-md-0-worker-unhealthy",
		map[string]string{eksa.LabelClusterName: SeedClusterName})
	set(mhc, machineHealthCheckSpec(f, SeedClusterName, "40%", map[string]any{eksa.LabelDeploymentName: SeedClusterName + "-md-0"}), "spec")
	msg := "Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 1, unhealthy: 1, maxUnhealthy: 40%)"
	cond := map[string]any{"type": "RemediationAllowed", "status": "False", "reason": "TooManyUnhealthy", "message": msg, "lastTransitionTime": at}
	status := map[string]any{"expectedMachines": int64(1), "currentHealthy": int64(0), "remediationsAllowed": int64(0)}
	if f == V1Beta2 {
		status["conditions"] = []any{cond}
	} else {
		cond["severity"] = "Warning"
		status["conditions"] = []any{cond}
	}
	set(mhc, status, "status")
	return mhc
}

// nodeUpgrade: the control-plane Machine's NodeUpgrade stopped at the
// kubelet, its upgrader pod failing.
func (w *World) nodeUpgrade(at string) []*unstructured.Unstructured {
	cp := w.Cluster3().Machines[0]
	nu := newObject(EKSAAPIVersion, eksa.KindNodeUpgrade, eksa.Namespace, cp.Name+"-node-upgrade", nil)
	set(nu, map[string]any{"kubernetesVersion": "v1.30.4-eks-1-30-17",
		"machine": map[string]any{"apiVersion": w.Flavour.APIVersion(eksa.GroupCAPI), "kind": "Machine", "name": cp.Name, "namespace": eksa.Namespace}}, "spec")
	set(nu, map[string]any{"completed": false, "conditions": []any{
		map[string]any{"type": "UpgraderPodCreated", "status": "True", "lastTransitionTime": at},
		map[string]any{"type": "KubeletUpgraded", "status": "False", "severity": "Error", "reason": "KubeletUpgradeFailed",
			"message": "Kubelet upgrade failed", "lastTransitionTime": at},
	}}, "status")
	pod := newObject("v1", "Pod", eksa.Namespace, eksa.UpgraderPod(cp.NodeName), map[string]string{"app": "node-upgrader"})
	set(pod, map[string]any{"nodeName": cp.NodeName,
		"initContainers": []any{map[string]any{"name": "kubelet-kubectl-upgrader", "image": "public.ecr.aws/eks-anywhere/node-upgrader:v0.25.1"}},
		"containers":     []any{map[string]any{"name": "done", "image": "public.ecr.aws/eks-anywhere/node-upgrader:v0.25.1"}}}, "spec")
	set(pod, map[string]any{"phase": "Pending", "initContainerStatuses": []any{map[string]any{
		"name": "kubelet-kubectl-upgrader", "image": "public.ecr.aws/eks-anywhere/node-upgrader:v0.25.1", "imageID": "", "ready": false,
		"restartCount": int64(7), "state": map[string]any{"waiting": map[string]any{"reason": "CrashLoopBackOff",
			"message": "back-off 5m0s restarting failed container"}}}}}, "status")
	return []*unstructured.Unstructured{nu, pod}
}

// deadWebhook is CAPI's validating webhook with nothing behind its Service.
// Its rules match only updates of MachineDeployments, which neither the
// world nor its resets make, so the world stays writable.
func deadWebhook() *unstructured.Unstructured {
	u := newObject("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "", "capi-validating-webhook-configuration", nil)
	u.Object["webhooks"] = []any{map[string]any{
		"name":                    "validation.machinedeployment.cluster.x-k8s.io",
		"failurePolicy":           "Fail",
		"sideEffects":             "None",
		"admissionReviewVersions": []any{"v1"},
		"clientConfig":            map[string]any{"service": map[string]any{"namespace": "capi-system", "name": "capi-webhook-service", "path": "/validate"}},
		"rules": []any{map[string]any{"apiGroups": []any{eksa.GroupCAPI}, "apiVersions": []any{"*"},
			"operations": []any{"UPDATE"}, "resources": []any{"machinedeployments"}}},
	}}
	return u
}

// actInPlace does what only the servers and vCenter can: the Machine whose
// VM was deleted is deleted (its finalizers keep it Deleting), and the VM
// removed from vcsim.
func (w *World) actInPlace(ctx context.Context, c cause) error {
	if c != causeMachineVMDeleted {
		return w.actSignals(ctx, c) // signalcauses.go
	}
	worker := w.Cluster3().Machines[len(w.Cluster3().Machines)-1]
	seeder, err := NewSeeder(w.Management.Config)
	if err != nil {
		return err
	}
	machines := schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "machines"}
	// The finalizers CAPI and CAPV hold the objects by, patched after the
	// seed: the API server warns about their names (not path-qualified),
	// which the seeder refuses.
	for gvr, finalizer := range map[schema.GroupVersionResource]string{
		machines: "machine.cluster.x-k8s.io",
		{Group: eksa.GroupInfrastructure, Version: "v1beta1", Resource: "vspheremachines"}: "vspheremachine.infrastructure.cluster.x-k8s.io",
		{Group: eksa.GroupInfrastructure, Version: "v1beta1", Resource: "vspherevms"}:      "vspherevm.infrastructure.cluster.x-k8s.io",
	} {
		patch := fmt.Appendf(nil, `{"metadata":{"finalizers":[%q]}}`, finalizer)
		if _, err := seeder.client.Resource(gvr).Namespace(eksa.Namespace).Patch(ctx, worker.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			return fmt.Errorf("holding %s %s: %w", gvr.Resource, worker.Name, err)
		}
	}
	if err := seeder.client.Resource(machines).Namespace(eksa.Namespace).Delete(ctx, worker.Name, metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("deleting Machine %s: %w", worker.Name, err)
	}
	// Forgotten, so that a reseed's addVMs creates it again.
	delete(w.vms, worker.UUID)
	return w.VCSim.DestroyVM(ctx, worker.Name)
}

func mustParse(ts string) time.Time {
	t, _ := time.Parse(time.RFC3339, ts)
	return t
}

// previousMinor is the release before v: v0.21.3 -> v0.20.0.
func previousMinor(v string) string {
	return fmt.Sprintf("v0.%d.0", minorOf(v)-1)
}
