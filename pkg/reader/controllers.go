package reader

import (
	"context"
	"fmt"
	"sort"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The controllers a management cluster runs, and the Deployments and
// DaemonSets of kube-system: one list each, whatever the cluster's size,
// plus one list of pods per Deployment that is down (none in a healthy
// cluster).

var (
	daemonSetGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "daemonsets"}
	budgetGVR    = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}
)

// tightBudgets lists the PodDisruptionBudgets of every namespace once and
// keeps those that allow no disruption now and expect pods.
func (r *reader) tightBudgets(ctx context.Context) ([]snapshot.DisruptionBudget, error) {
	items, err := r.listOptional(ctx, budgetGVR, "")
	var out []snapshot.DisruptionBudget
	for i := range items {
		u := &items[i]
		allowed, _ := asInt(nested(u, "status", "disruptionsAllowed"))
		expected, _ := asInt(nested(u, "status", "expectedPods"))
		if allowed == 0 && expected > 0 {
			out = append(out, snapshot.DisruptionBudget{Namespace: u.GetNamespace(), Name: u.GetName(), Expected: expected, Allowed: allowed})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name })
	return out, err
}

// deployments are the Deployments status weighs: the controllers', the EKS-A
// controller among them (its image gives the version) and kube-system's.
type deployments struct {
	controllers, system []snapshot.Workload
	eksaController      *snapshot.Workload
	image               string
}

// deployments lists the Deployments of every namespace once and keeps
// those of the controller namespaces and of kube-system. A Deployment not
// available is read with its pods, for why.
func (r *reader) deployments(ctx context.Context) (deployments, error) {
	var out deployments
	items, err := r.listOptional(ctx, deploymentGVR, "")
	if err != nil {
		return out, err
	}
	if items == nil {
		// Refused (or none): the EKS-A controller alone, as a user allowed
		// only eksa-system may still read it, for the version.
		if items, err = r.eksaControllerOnly(ctx); err != nil {
			return out, err
		}
	}
	for i := range items {
		d := &items[i]
		system := d.GetNamespace() == eksa.CNINamespace
		if !system && !eksa.IsControllerNamespace(d.GetNamespace()) {
			continue
		}
		w := workloadOf(d)
		if w.Down() {
			if w.Pods, err = r.podsOf(ctx, d); err != nil {
				return out, err
			}
		}
		if system {
			out.system = append(out.system, w)
			continue
		}
		out.controllers = append(out.controllers, w)
		if d.GetNamespace() == eksa.Namespace && d.GetName() == eksa.ControllerDeployment {
			c := w
			out.eksaController, out.image = &c, firstImage(d)
		}
	}
	for _, l := range [][]snapshot.Workload{out.controllers, out.system} {
		sort.Slice(l, func(i, j int) bool { return l[i].Namespace+"/"+l[i].Name < l[j].Namespace+"/"+l[j].Name })
	}
	return out, nil
}

func workloadOf(d *unstructured.Unstructured) snapshot.Workload {
	w := snapshot.Workload{Namespace: d.GetNamespace(), Name: d.GetName(), Desired: 1, Conditions: conditions(d)}
	if v, ok := asInt(nested(d, "spec", "replicas")); ok {
		w.Desired = v
	}
	w.Available, _ = asInt(nested(d, "status", "availableReplicas"))
	return w
}

func firstImage(d *unstructured.Unstructured) string {
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		if m, ok := c.(map[string]any); ok {
			if img := str(m["image"]); img != "" {
				return img
			}
		}
	}
	return ""
}

// podsOf lists the pods a Deployment selects, with why each is not ready.
func (r *reader) podsOf(ctx context.Context, d *unstructured.Unstructured) ([]snapshot.Pod, error) {
	match, _, _ := unstructured.NestedStringMap(d.Object, "spec", "selector", "matchLabels")
	if len(match) == 0 {
		return nil, nil
	}
	pods, err := r.listAll(ctx, podGVR, d.GetNamespace(), labels.SelectorFromSet(match).String())
	switch {
	case apierrors.IsForbidden(err):
		r.unread("list", "pods", d.GetNamespace(), err)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("listing the pods of Deployment %s/%s: %w", d.GetNamespace(), d.GetName(), err)
	}
	out := make([]snapshot.Pod, 0, len(pods))
	for i := range pods {
		out = append(out, podOf(&pods[i]))
	}
	return out, nil
}

func podOf(u *unstructured.Unstructured) snapshot.Pod {
	node, _, _ := unstructured.NestedString(u.Object, "spec", "nodeName")
	phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
	p := snapshot.Pod{Namespace: u.GetNamespace(), Name: u.GetName(), NodeName: node,
		Phase: phase, Created: u.GetCreationTimestamp().Time, Waiting: waitingContainer(u)}
	for _, c := range conditions(u) {
		if c.Type == "Ready" {
			p.Ready = c.Status == "True"
		}
	}
	for _, field := range []string{"initContainerStatuses", "containerStatuses"} {
		list, _ := nested(u, "status", field).([]any)
		for _, c := range list {
			m, _ := c.(map[string]any)
			n, _ := asInt(m["restartCount"])
			if n > p.Restarts || (n == p.Restarts && p.LastTerminated == "") {
				p.Restarts = n
				if t, ok, _ := unstructured.NestedMap(m, "lastState", "terminated"); ok {
					p.LastTerminated = str(t["reason"])
				}
			}
		}
	}
	return p
}

// daemonSets reads kube-system's DaemonSets: the CNI's and kube-proxy's.
func (r *reader) daemonSets(ctx context.Context) ([]snapshot.DaemonSet, error) {
	items, err := r.listOptional(ctx, daemonSetGVR, eksa.CNINamespace)
	var out []snapshot.DaemonSet
	for i := range items {
		u := &items[i]
		n := func(f string) int64 { v, _ := asInt(nested(u, "status", f)); return v }
		out = append(out, snapshot.DaemonSet{Namespace: u.GetNamespace(), Name: u.GetName(),
			Desired: n("desiredNumberScheduled"), Ready: n("numberReady"), Updated: n("updatedNumberScheduled"),
			Available: n("numberAvailable")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// eksaControllerOnly reads the EKS-A controller's Deployment by name; none
// when it is missing or refused (the refusal is recorded).
func (r *reader) eksaControllerOnly(ctx context.Context) ([]unstructured.Unstructured, error) {
	d, err := r.getOne(ctx, deploymentGVR, eksa.Namespace, eksa.ControllerDeployment)
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil
	case apierrors.IsForbidden(err):
		r.unread("get", "deployments.apps", eksa.Namespace, err)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading Deployment %s/%s: %w", eksa.Namespace, eksa.ControllerDeployment, err)
	}
	return []unstructured.Unstructured{*d}, nil
}
