package reader

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	jsoniter "github.com/json-iterator/go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// perMachine are the kinds with one object per Machine besides Machines:
// bootstrap configs, infrastructure machines and VSphereVMs.
func perMachine(gk schema.GroupKind) bool {
	switch gk.Group {
	case eksa.GroupBootstrap:
		return gk.Kind == "KubeadmConfig" || gk.Kind == "EtcdadmConfig"
	case eksa.GroupInfrastructure:
		return gk.Kind == "VSphereVM" || strings.HasSuffix(gk.Kind, "Machine")
	}
	return false
}

// metadataOnly says whether a kind is read as metadata alone (labels,
// owners, annotations): the kinds with one object per Machine, whose spec
// and status nothing reads. They are listed as protobuf
// PartialObjectMetadata, which the API server encodes in a fraction of the
// time of the full JSON objects (1,000 KubeadmConfigs: ~60 ms against
// ~150 ms). Their Objects carry no Ready. infraSpecs: the vCenter check
// reads the infrastructure machines' placement (VSphereMachine spec.folder
// and datacenter). A kind whose spec or status anything else reads must not
// be here.
func metadataOnly(gk schema.GroupKind, infraSpecs bool) bool {
	if infraSpecs && gk.Group == eksa.GroupInfrastructure && strings.HasSuffix(gk.Kind, "Machine") {
		return false
	}
	return perMachine(gk)
}

const acceptJSON = "application/json"

// listItem is one listed object reduced, while decoding, to what the
// plugin reads: decoding into it skips managedFields (about half of every
// object's bytes) and the rest of the status instead of building maps of them.
type listItem struct {
	Metadata struct {
		Name              string                  `json:"name"`
		Namespace         string                  `json:"namespace"`
		UID               string                  `json:"uid"`
		ResourceVersion   string                  `json:"resourceVersion"`
		Generation        int64                   `json:"generation"`
		CreationTimestamp metav1.Time             `json:"creationTimestamp"`
		DeletionTimestamp *metav1.Time            `json:"deletionTimestamp"`
		Labels            map[string]string       `json:"labels"`
		Annotations       map[string]string       `json:"annotations"`
		OwnerReferences   []metav1.OwnerReference `json:"ownerReferences"`
		Finalizers        []string                `json:"finalizers"`
	} `json:"metadata"`
	// Spec is small and read by path (and by the vCenter check), so it is
	// kept whole.
	Spec   json.RawMessage `json:"spec"`
	Status struct {
		Phase   string `json:"phase"`
		NodeRef *struct {
			Name string `json:"name"`
		} `json:"nodeRef"`
		Conditions []listCondition `json:"conditions"`
		// Ready is etcdadm-controller's (and the providers') status.ready.
		Ready *bool `json:"ready"`
		// ObservedGeneration: behind metadata.generation, the status
		// describes an older spec.
		ObservedGeneration int64 `json:"observedGeneration"`
		// Deletion is v1beta2's status.deletion: when a drain started.
		Deletion *struct {
			NodeDrainStartTime string `json:"nodeDrainStartTime"`
		} `json:"deletion"`
		Deprecated *struct {
			V1Beta1 *struct {
				Conditions []listCondition `json:"conditions"`
				listCounts
			} `json:"v1beta1"`
		} `json:"deprecated"`
		listCounts
	} `json:"status"`
}

// listCounts are the status counts a rollout and a MachineHealthCheck
// report, in both contracts: whether the rollout converged.
type listCounts struct {
	Replicas            *int64 `json:"replicas"`
	UpdatedReplicas     *int64 `json:"updatedReplicas"`
	UpToDateReplicas    *int64 `json:"upToDateReplicas"`
	ReadyReplicas       *int64 `json:"readyReplicas"`
	AvailableReplicas   *int64 `json:"availableReplicas"`
	UnavailableReplicas *int64 `json:"unavailableReplicas"`
	ExpectedMachines    *int64 `json:"expectedMachines"`
	CurrentHealthy      *int64 `json:"currentHealthy"`
	RemediationsAllowed *int64 `json:"remediationsAllowed"`
}

// into sets the counts reported on m, by their JSON names.
func (c *listCounts) into(m map[string]any) {
	for name, v := range map[string]*int64{
		"replicas": c.Replicas, "updatedReplicas": c.UpdatedReplicas, "upToDateReplicas": c.UpToDateReplicas,
		"readyReplicas": c.ReadyReplicas, "availableReplicas": c.AvailableReplicas,
		"unavailableReplicas": c.UnavailableReplicas, "expectedMachines": c.ExpectedMachines,
		"currentHealthy": c.CurrentHealthy, "remediationsAllowed": c.RemediationsAllowed,
	} {
		if v != nil {
			m[name] = *v
		}
	}
}

type listCondition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	Severity           string `json:"severity"`
	Reason             string `json:"reason"`
	Message            string `json:"message"`
	LastTransitionTime string `json:"lastTransitionTime"`
}

// listReduced lists one kind in one request and decodes the answer as it
// streams in, into objects reduced to metadata (without managedFields),
// spec, and status' phase, observedGeneration, nodeRef, conditions and counts.
func (r *reader) listReduced(ctx context.Context, res kube.Resource, ns string) ([]*unstructured.Unstructured, error) {
	req := r.rest.Get().AbsPath(listPath(res, ns)...).SetHeader("Accept", acceptJSON)
	body, err := req.Stream(ctx)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	defer func() { _ = body.Close() }()
	items, err := decodeList(body, res.GVR.GroupVersion().String(), res.Kind)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	klog.V(4).Infof("listed %d %s", len(items), res.GVR.GroupResource())
	return items, nil
}

// listPath is the URL path of a list: the kind's collection in ns, or in
// every namespace.
func listPath(res kube.Resource, ns string) []string {
	if !res.Namespaced {
		ns = ""
	}
	return apiPath(res.GVR, ns)
}

// decodeList reads a list's items one at a time.
func decodeList(body io.Reader, apiVersion, kind string) ([]*unstructured.Unstructured, error) {
	it := jsoniter.Parse(jsoniter.ConfigCompatibleWithStandardLibrary, body, 64*1024)
	var out []*unstructured.Unstructured
	for field := it.ReadObject(); field != ""; field = it.ReadObject() {
		if field != "items" {
			it.Skip()
			continue
		}
		for it.ReadArray() {
			var item listItem
			it.ReadVal(&item)
			if it.Error != nil {
				break
			}
			u, err := item.reduced(apiVersion, kind)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
	}
	// Even io.EOF is an error: a whole list ends with its closing brace.
	if it.Error != nil {
		return nil, fmt.Errorf("decoding the list: %w", it.Error)
	}
	return out, nil
}

// reduced is the item as an unstructured object, in the shape the API
// server gave it, so that one conversion (toObject, toMachine) serves all.
func (item *listItem) reduced(apiVersion, kind string) (*unstructured.Unstructured, error) {
	m := &item.Metadata
	u := metadataObject(apiVersion, kind, &metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: types.UID(m.UID), ResourceVersion: m.ResourceVersion,
		Generation: m.Generation, CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp,
		Labels: m.Labels, Annotations: m.Annotations, OwnerReferences: m.OwnerReferences, Finalizers: m.Finalizers,
	})
	if len(item.Spec) > 0 && string(item.Spec) != "null" {
		var spec map[string]any
		// utiljson keeps whole numbers int64, as unstructured objects do.
		if err := utiljson.Unmarshal(item.Spec, &spec); err != nil {
			return nil, fmt.Errorf("decoding %s %s spec: %w", kind, m.Name, err)
		}
		u.Object["spec"] = spec
	}
	if status := item.reducedStatus(); len(status) > 0 {
		u.Object["status"] = status
	}
	return u, nil
}

// metadataObject is an object of the kind holding the metadata the plugin
// reads, without managedFields. The map is built by hand: Unstructured's
// setters convert owner references by reflection, a tenth of a read's CPU
// at 1,000 Machines.
func metadataObject(apiVersion, kind string, m *metav1.ObjectMeta) *unstructured.Unstructured {
	meta := map[string]any{"name": m.Name, "creationTimestamp": m.CreationTimestamp.UTC().Format(time.RFC3339)}
	setNonEmpty(meta, "namespace", m.Namespace)
	setNonEmpty(meta, "uid", string(m.UID))
	setNonEmpty(meta, "resourceVersion", m.ResourceVersion)
	if m.Generation != 0 {
		meta["generation"] = m.Generation
	}
	if m.DeletionTimestamp != nil {
		meta["deletionTimestamp"] = m.DeletionTimestamp.UTC().Format(time.RFC3339)
	}
	if len(m.Labels) > 0 {
		meta["labels"] = stringMap(m.Labels)
	}
	if len(m.Annotations) > 0 {
		meta["annotations"] = stringMap(m.Annotations)
	}
	if len(m.OwnerReferences) > 0 {
		refs := make([]any, 0, len(m.OwnerReferences))
		for _, r := range m.OwnerReferences {
			ref := map[string]any{"apiVersion": r.APIVersion, "kind": r.Kind, "name": r.Name, "uid": string(r.UID)}
			if r.Controller != nil {
				ref["controller"] = *r.Controller
			}
			if r.BlockOwnerDeletion != nil {
				ref["blockOwnerDeletion"] = *r.BlockOwnerDeletion
			}
			refs = append(refs, ref)
		}
		meta["ownerReferences"] = refs
	}
	if len(m.Finalizers) > 0 {
		fin := make([]any, 0, len(m.Finalizers))
		for _, f := range m.Finalizers {
			fin = append(fin, f)
		}
		meta["finalizers"] = fin
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": meta}}
}

func stringMap(in map[string]string) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// listMetadata lists one kind's metadata in one request, as protobuf.
func (r *reader) listMetadata(ctx context.Context, res kube.Resource, ns string) ([]metav1.PartialObjectMetadata, error) {
	ri := r.meta.Resource(res.GVR)
	var l *metav1.PartialObjectMetadataList
	var err error
	if res.Namespaced && ns != "" {
		l, err = ri.Namespace(ns).List(ctx, metav1.ListOptions{})
	} else {
		l, err = ri.List(ctx, metav1.ListOptions{})
	}
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	klog.V(4).Infof("listed %d %s (metadata)", len(l.Items), res.GVR.GroupResource())
	return l.Items, nil
}

func (item *listItem) reducedStatus() map[string]any {
	s := &item.Status
	status := map[string]any{}
	if s.Phase != "" {
		status["phase"] = s.Phase
	}
	if s.ObservedGeneration != 0 {
		status["observedGeneration"] = s.ObservedGeneration
	}
	if s.NodeRef != nil {
		status["nodeRef"] = map[string]any{"name": s.NodeRef.Name}
	}
	if s.Conditions != nil {
		status["conditions"] = conditionValues(s.Conditions)
	}
	if s.Ready != nil {
		status["ready"] = *s.Ready
	}
	if s.Deletion != nil && s.Deletion.NodeDrainStartTime != "" {
		status["deletion"] = map[string]any{"nodeDrainStartTime": s.Deletion.NodeDrainStartTime}
	}
	s.into(status)
	if d := s.Deprecated; d != nil && d.V1Beta1 != nil {
		old := map[string]any{}
		if d.V1Beta1.Conditions != nil {
			old["conditions"] = conditionValues(d.V1Beta1.Conditions)
		}
		d.V1Beta1.into(old)
		if len(old) > 0 {
			status["deprecated"] = map[string]any{"v1beta1": old}
		}
	}
	return status
}

func conditionValues(conds []listCondition) []any {
	out := make([]any, 0, len(conds))
	for _, c := range conds {
		m := map[string]any{"type": c.Type, "status": c.Status}
		setNonEmpty(m, "severity", c.Severity)
		setNonEmpty(m, "reason", c.Reason)
		setNonEmpty(m, "message", c.Message)
		setNonEmpty(m, "lastTransitionTime", c.LastTransitionTime)
		out = append(out, m)
	}
	return out
}

func setNonEmpty(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}
