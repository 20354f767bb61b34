package reader

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// What can stop an in-place upgrade besides its Machines: admission
// webhooks nothing serves, the EKS-A controller down, an upgrader pod that
// does not finish. Each is one list (or the one get of the controller),
// whatever the cluster's size.

var (
	validatingGVR = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
	mutatingGVR   = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"}
	sliceGVR      = schema.GroupVersionResource{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"}
	podGVR        = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	deploymentGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
)

// listOptional lists a kind beside the Cluster API objects: a kind the
// server lacks reads as none; one the user may not read reads as none and
// is recorded as unread, so the verdict cannot be Healthy.
func (r *reader) listOptional(ctx context.Context, gvr schema.GroupVersionResource, ns string) ([]unstructured.Unstructured, error) {
	items, err := r.listAll(ctx, gvr, ns, "")
	switch {
	case apierrors.IsNotFound(err):
		klog.V(2).Infof("not reading %s: %v", gvr.GroupResource(), err)
		return nil, nil
	case apierrors.IsForbidden(err):
		// Read as none, but said: what it would show is not known.
		r.unread("list", gvr.GroupResource().String(), ns, err)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("listing %s: %w", gvr.GroupResource(), err)
	}
	return items, nil
}

// webhooks reads the admission webhooks and their Services' ready
// endpoints: three lists.
func (r *reader) webhooks(ctx context.Context) ([]snapshot.Webhook, error) {
	var out []snapshot.Webhook
	for _, gvr := range []schema.GroupVersionResource{validatingGVR, mutatingGVR} {
		items, err := r.listOptional(ctx, gvr, "")
		if err != nil {
			return nil, err
		}
		for i := range items {
			out = append(out, webhooksOf(&items[i])...)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	slices, err := r.listOptional(ctx, sliceGVR, "")
	if err != nil {
		return nil, err
	}
	ready := readyEndpoints(slices)
	for i := range out {
		out[i].ReadyEndpoints = ready[out[i].Service]
	}
	return out, nil
}

func webhooksOf(u *unstructured.Unstructured) []snapshot.Webhook {
	list, _ := nested(u, "webhooks").([]any)
	var out []snapshot.Webhook
	for _, w := range list {
		m, _ := w.(map[string]any)
		hook := snapshot.Webhook{Kind: u.GetKind(), Configuration: u.GetName(), Name: str(m["name"]),
			FailurePolicy: str(m["failurePolicy"])}
		if hook.FailurePolicy == "" {
			hook.FailurePolicy = "Fail" // admissionregistration/v1's default
		}
		if svc, ok, _ := unstructured.NestedMap(m, "clientConfig", "service"); ok {
			hook.Service = str(svc["namespace"]) + "/" + str(svc["name"])
		}
		out = append(out, hook)
	}
	return out
}

// readyEndpoints counts each Service's ready endpoints (namespace/name).
func readyEndpoints(slices []unstructured.Unstructured) map[string]int {
	out := map[string]int{}
	for i := range slices {
		s := &slices[i]
		svc := s.GetLabels()["kubernetes.io/service-name"]
		if svc == "" {
			continue
		}
		key := s.GetNamespace() + "/" + svc
		eps, _ := nested(s, "endpoints").([]any)
		for _, e := range eps {
			m, _ := e.(map[string]any)
			cond, _ := m["conditions"].(map[string]any)
			// An unset ready means ready (discovery/v1).
			if r, ok := cond["ready"].(bool); !ok || r {
				out[key]++
			}
		}
	}
	return out
}

// upgraderPods reads the pods of eksa-system and keeps the upgrader pods.
func (r *reader) upgraderPods(ctx context.Context) ([]snapshot.Pod, error) {
	items, err := r.listOptional(ctx, podGVR, eksa.Namespace)
	var out []snapshot.Pod
	for i := range items {
		u := &items[i]
		if !strings.HasSuffix(u.GetName(), eksa.UpgraderPodSuffix) {
			continue
		}
		out = append(out, podOf(u))
	}
	return out, err
}

// waitingContainer names the first container, init containers first, that
// has not finished well, with its state's reason and message.
func waitingContainer(u *unstructured.Unstructured) string {
	for _, field := range []string{"initContainerStatuses", "containerStatuses"} {
		list, _ := nested(u, "status", field).([]any)
		for _, c := range list {
			m, _ := c.(map[string]any)
			state, _ := m["state"].(map[string]any)
			if w, ok := state["waiting"].(map[string]any); ok {
				return joinWords(str(m["name"])+":", str(w["reason"]), str(w["message"]))
			}
			if t, ok := state["terminated"].(map[string]any); ok {
				if code, _ := asInt(t["exitCode"]); code != 0 {
					return joinWords(str(m["name"])+":", str(t["reason"]), fmt.Sprintf("(exit code %d)", code), str(t["message"]))
				}
			}
		}
	}
	return ""
}

func joinWords(words ...string) string {
	var out []string
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
