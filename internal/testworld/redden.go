package testworld

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TurnRed makes exactly one signal red as its controller would, the change
// dated age before now (a condition's lastTransitionTime, a pod's start),
// and returns what restores it. Status goes through the status subresource.
//
//   - a condition: False (True for v1beta2's negative types) with a reason
//     and message in its controller's words (v1beta1: severity Warning);
//   - failureMessage: what EKS-A's IP validation writes
//     (pkg/providers/validator/validate.go, v0.26.1);
//   - a Deployment: none available, Available False
//     (MinimumReplicasUnavailable), and a pod of it crash-looping: restarts
//     one per three minutes of age, last terminated OOMKilled;
//   - the CNI DaemonSet: one pod fewer ready than desired;
//   - a Node: Ready False as the kubelet posts it without a CNI, or a
//     pressure condition True as the kubelet posts it, the Node still Ready;
//   - observedGeneration: a spec change (Cilium's policyEnforcementMode,
//     as a `kubectl edit` makes it) its controller has not reconciled: the
//     server bumps metadata.generation, status.observedGeneration stays.
//     Restored as the controller catches up: the spec stays,
//     observedGeneration (and EKS-A's reconciledGeneration) become the new
//     generation;
//   - and, as Cluster API's controllers would, what summarises or mirrors a
//     Machine's red condition or its parts' up to the Machine's Ready
//     (mirror.go).
func (w *World) TurnRed(ctx context.Context, sig Signal, age time.Duration) (restore func(context.Context) error, err error) {
	s, err := NewSeeder(w.Management.Config)
	if err != nil {
		return nil, err
	}
	u, err := s.get(ctx, sig.object())
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", sig, err)
	}
	saved, _, _ := unstructured.NestedFieldCopy(u.Object, "status")
	at := time.Now().Add(-age)
	var pod *unstructured.Unstructured
	switch sig.Kind {
	case SignalCondition:
		if err := redCondition(u, sig, at); err != nil {
			return nil, err
		}
	case SignalReadyField:
		set(u, false, "status", "ready")
	case SignalFailureMessage:
		host, _, _ := unstructured.NestedString(u.Object, "spec", "controlPlaneConfiguration", "endpoint", "host")
		set(u, fmt.Sprintf("cluster controlPlaneConfiguration.Endpoint.Host <%s> is already in use, control plane IP must be unique", host),
			"status", "failureMessage")
		set(u, "UnavailableControlPlaneIP", "status", "failureReason")
	case SignalDeployment:
		set(u, DeploymentCrashing(u.GetName(), at), "status")
		pod = crashingPod(u, at, restartsFor(age))
	case SignalDaemonSet:
		desired, _, _ := unstructured.NestedInt64(u.Object, "status", "desiredNumberScheduled")
		set(u, daemonSetStatus(int(desired), int(desired)-1), "status")
	case SignalNode:
		if sig.Condition == "Ready" {
			setNodeNotReady(u, at)
		} else {
			setNodePressure(u, sig.Condition, at)
		}
	case SignalObservedGeneration:
		if u, err = s.editSpec(ctx, u); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("testworld: no way to turn %s red", sig)
	}
	if sig.Kind == SignalCondition {
		summariseMachine(u, sig, at)
		summarisePart(u, sig, at)
	}
	if err := s.writeStatus(ctx, u); err != nil {
		return nil, err
	}
	mirrored, err := w.mirrorUp(ctx, s, u, at)
	if err != nil {
		return nil, err
	}
	if pod != nil {
		if err := s.Apply(ctx, []*unstructured.Unstructured{pod}); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context) error {
		if pod != nil {
			if err := deleteNow(ctx, s, pod); err != nil {
				return err
			}
		}
		live, err := s.get(ctx, sig.object())
		if err != nil {
			return err
		}
		live.Object["status"] = saved
		if sig.Kind == SignalObservedGeneration {
			caughtUp(live)
		}
		if err := s.writeStatus(ctx, live); err != nil {
			return err
		}
		for _, before := range mirrored {
			m, err := s.get(ctx, before)
			if err != nil {
				return err
			}
			m.Object["status"] = before.Object["status"]
			if err := s.writeStatus(ctx, m); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// redCondition sets the signal's condition red in its contract's shape.
func redCondition(u *unstructured.Unstructured, sig Signal, at time.Time) error {
	list, _, _ := unstructured.NestedSlice(u.Object, sig.Path...)
	negative := slices.Contains(negativeConditions, sig.Condition)
	v1beta1 := len(sig.Path) > 2 || !strings.HasSuffix(u.GetAPIVersion(), "/v1beta2")
	for i, c := range list {
		m := c.(map[string]any)
		if m["type"] != sig.Condition {
			continue
		}
		if groupOf(u.GetAPIVersion()) == "bmc.tinkerbell.org" {
			// Rufio's own condition shape (rufio v0.3.0 api/v1alpha1/machine.go,
			// controllers/bmc_client.go).
			list[i] = map[string]any{"type": sig.Condition, "status": "False", "lastUpdateTime": at.UTC().Format(time.RFC3339),
				"message": "failed to open connection to BMC: no Open methods were successful"}
			set(u, list, sig.Path...)
			return nil
		}
		reason, message := redReason(sig.Condition, u.GetKind(), negative)
		red := map[string]any{"type": sig.Condition, "status": "False", "reason": reason, "message": message,
			"lastTransitionTime": at.UTC().Format(time.RFC3339)}
		if negative {
			red["status"] = "True"
		}
		if v1beta1 {
			red["severity"] = "Warning"
		} else if g, ok := m["observedGeneration"]; ok {
			red["observedGeneration"] = g
		}
		list[i] = red
		set(u, list, sig.Path...)
		return nil
	}
	return fmt.Errorf("%s: no such condition on the server", sig)
}

// redReason is a condition's red reason and message as Cluster API's and
// the providers' controllers word the common ones; the others read as
// v1beta2's "Not<Type>" convention.
func redReason(condition, kind string, negative bool) (reason, message string) {
	switch {
	case negative:
		return condition, fmt.Sprintf("%s %s", kind, strings.ToLower(condition))
	case condition == "NodeHealthy":
		return "NodeConditionsFailed", "Node condition Ready is False"
	case condition == "InfrastructureReady", condition == "VMProvisioned":
		return "PoweringOn", "1 of 2 completed"
	case condition == "BootstrapReady", condition == "BootstrapConfigReady", condition == "DataSecretAvailable":
		return "WaitingForDataSecret", "bootstrap data secret is not available yet"
	case condition == "RemediationAllowed":
		return "TooManyUnhealthy", "Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: 1, unhealthy: 1, maxUnhealthy: 40%)"
	case condition == ConditionManagedEtcdReady, condition == "EtcdClusterResizeCompleted":
		return "ScalingUp", "Scaling up etcd cluster to 3 replicas (actual 2)"
	case condition == "ControlPlaneReady" && kind == "Cluster":
		return "RollingUpgradeInProgress", "Etcd is not ready"
	case condition == "WorkersReady":
		return "NodesNotReady", "Worker nodes not ready yet, 1 expected (0 ready)"
	case condition == "DefaultCNIConfigured":
		return "DefaultCNIUpgradeInProgressReason", "Cilium version upgrade needed"
	}
	return "Not" + condition, fmt.Sprintf("%s %s is not %s", kind, condition, "true")
}

// DeploymentCrashing is a one-replica Deployment's status once its only
// pod keeps crashing: nothing available since at.
func DeploymentCrashing(name string, at time.Time) map[string]any {
	s := DeploymentRunning(name, at)
	// The controller omits counts of zero.
	s["unavailableReplicas"] = 1
	delete(s, "readyReplicas")
	delete(s, "availableReplicas")
	conditions := s["conditions"].([]any)
	available := conditions[0].(map[string]any)
	available["status"], available["reason"], available["message"] = "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
	return s
}

// restartsFor is how often a crash-looping container restarted in age:
// about one every three minutes once the back-off reaches its cap.
func restartsFor(age time.Duration) int { return max(1, int(age/(3*time.Minute))) }

// crashingPod is d's pod, its manager container OOMKilled and waiting in
// CrashLoopBackOff, as the kubelet reports it.
func crashingPod(d *unstructured.Unstructured, at time.Time, restarts int) *unstructured.Unstructured {
	hash := podTemplateHash(d.GetName())
	labels, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "metadata", "labels")
	labels["pod-template-hash"] = hash
	name := d.GetName() + "-" + hash + "-" + stableSuffix(d.GetName()+"/pod")
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	image, _ := containers[0].(map[string]any)["image"].(string)
	container, _ := containers[0].(map[string]any)["name"].(string)
	pod := newObject("v1", "Pod", d.GetNamespace(), name, labels)
	set(pod, map[string]any{"containers": containers, "nodeName": "cluster3-2snw8"}, "spec")
	last := time.Now().Add(-90 * time.Second).UTC()
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	set(pod, map[string]any{
		"phase": "Running", "startTime": ts(at), "podIP": "192.168.0.17", "hostIP": "10.0.0.10",
		"conditions": []any{
			map[string]any{"type": "Ready", "status": "False", "reason": "ContainersNotReady",
				"message": "containers with unready status: [" + container + "]", "lastTransitionTime": ts(at)},
			map[string]any{"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady",
				"message": "containers with unready status: [" + container + "]", "lastTransitionTime": ts(at)},
		},
		"containerStatuses": []any{map[string]any{
			"name": container, "image": image, "imageID": "", "ready": false, "started": false, "restartCount": restarts,
			"state": map[string]any{"waiting": map[string]any{"reason": "CrashLoopBackOff",
				"message": fmt.Sprintf("back-off 5m0s restarting failed container=%s pod=%s_%s", container, name, d.GetNamespace())}},
			"lastState": map[string]any{"terminated": map[string]any{"reason": "OOMKilled", "exitCode": 137,
				"startedAt": ts(last.Add(-40 * time.Second)), "finishedAt": ts(last), "containerID": "containerd://" + strings.Repeat("0", 8)}},
		}},
	}, "status")
	return pod
}

// NodeNotReadyMessage is what the kubelet posts while no CNI is configured.
const NodeNotReadyMessage = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"

func setNodeNotReady(u *unstructured.Unstructured, at time.Time) {
	conditions, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for i, c := range conditions {
		if m := c.(map[string]any); m["type"] == "Ready" {
			conditions[i] = map[string]any{"type": "Ready", "status": "False", "reason": "KubeletNotReady",
				"message": NodeNotReadyMessage, "lastTransitionTime": at.UTC().Format(time.RFC3339),
				"lastHeartbeatTime": metav1.Now().UTC().Format(time.RFC3339)}
		}
	}
	set(u, conditions, "status", "conditions")
}

// nodePressure is what the kubelet writes when it sees a pressure
// (k8s.io/kubernetes pkg/kubelet/nodestatus/setters.go).
var nodePressure = map[string][2]string{
	"MemoryPressure": {"KubeletHasInsufficientMemory", "kubelet has insufficient memory available"},
	"DiskPressure":   {"KubeletHasDiskPressure", "kubelet has disk pressure"},
	"PIDPressure":    {"KubeletHasInsufficientPID", "kubelet has insufficient PID available"},
}

// setNodePressure turns one of the kubelet's pressure conditions True.
func setNodePressure(u *unstructured.Unstructured, t string, at time.Time) {
	conditions, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	words := nodePressure[t]
	for i, c := range conditions {
		if m := c.(map[string]any); m["type"] == t {
			m["status"], m["reason"], m["message"] = "True", words[0], words[1]
			m["lastTransitionTime"] = at.UTC().Format(time.RFC3339)
			conditions[i] = m
		}
	}
	set(u, conditions, "status", "conditions")
}

// editSpec changes an EKS-A Cluster's spec as a user's edit would, in a
// field the plugin does not read (Cilium's policyEnforcementMode, default
// and always alternately), and returns it as the server holds it: its
// generation one more.
func (s *Seeder) editSpec(ctx context.Context, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if u.GetAPIVersion() != EKSAAPIVersion || u.GetKind() != "Cluster" {
		return nil, fmt.Errorf("testworld: no spec edit for %s %s", u.GetKind(), u.GetName())
	}
	path := []string{"spec", "clusterNetwork", "cniConfig", "cilium", "policyEnforcementMode"}
	mode, _, _ := unstructured.NestedString(u.Object, path...)
	if mode == "always" {
		set(u, "default", path...)
	} else {
		set(u, "always", path...)
	}
	ri, err := s.resource(u)
	if err != nil {
		return nil, err
	}
	edited, err := ri.Update(ctx, u, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("editing the spec of %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return edited, nil
}

// caughtUp writes, in u's status, what its controller writes once it has
// reconciled u's spec: observedGeneration (and, for an EKS-A Cluster,
// reconciledGeneration) its generation.
func caughtUp(u *unstructured.Unstructured) {
	set(u, u.GetGeneration(), "status", "observedGeneration")
	if _, ok, _ := unstructured.NestedInt64(u.Object, "status", "reconciledGeneration"); ok {
		set(u, u.GetGeneration(), "status", "reconciledGeneration")
	}
}
