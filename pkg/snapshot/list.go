package snapshot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	jsoniter "github.com/json-iterator/go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/klog/v2"
)

// metadataOnly are kinds with one object per Machine of which nothing but
// metadata is read (cluster-name label, owners, annotations): they are
// listed as PartialObjectMetadata, which the API server encodes in a
// fraction of the time of the full objects. Their Objects carry no Ready.
// A kind whose spec or status anything reads must not be here.
var metadataOnly = map[schema.GroupKind]bool{
	{Group: "bootstrap.cluster.x-k8s.io", Kind: "KubeadmConfig"}:  true,
	{Group: "bootstrap.cluster.x-k8s.io", Kind: "EtcdadmConfig"}:  true,
	{Group: "infrastructure.cluster.x-k8s.io", Kind: "VSphereVM"}: true,
}

const (
	acceptJSON     = "application/json"
	acceptMetadata = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
)

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
		Deprecated *struct {
			V1Beta1 *struct {
				Conditions []listCondition `json:"conditions"`
			} `json:"v1beta1"`
		} `json:"deprecated"`
	} `json:"status"`
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
// spec, and status' phase, nodeRef and conditions.
func (r *reader) listReduced(ctx context.Context, res Resource, ns string) ([]*unstructured.Unstructured, error) {
	gk := schema.GroupKind{Group: res.GVR.Group, Kind: res.Kind}
	accept := acceptJSON
	if metadataOnly[gk] {
		accept = acceptMetadata
	}
	req := r.rest.Get().AbsPath(listPath(res, ns)...).SetHeader("Accept", accept)
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
	klog.V(4).Infof("listed %d %s (%s)", len(items), res.GVR.GroupResource(), accept)
	return items, nil
}

// listPath is the URL path of a list: /api/v1/... for the core group.
func listPath(res Resource, ns string) []string {
	path := []string{"/apis", res.GVR.Group, res.GVR.Version}
	if res.GVR.Group == "" {
		path = []string{"/api", res.GVR.Version}
	}
	if res.Namespaced && ns != "" {
		path = append(path, "namespaces", ns)
	}
	return append(path, res.GVR.Resource)
}

// decodeList reads a list's items one at a time. apiVersion and kind come
// from the resource: a PartialObjectMetadataList's items name their own type.
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
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
	u.SetName(m.Name)
	u.SetNamespace(m.Namespace)
	u.SetUID(types.UID(m.UID))
	u.SetResourceVersion(m.ResourceVersion)
	u.SetGeneration(m.Generation)
	u.SetCreationTimestamp(m.CreationTimestamp)
	u.SetDeletionTimestamp(m.DeletionTimestamp)
	u.SetLabels(m.Labels)
	u.SetAnnotations(m.Annotations)
	u.SetOwnerReferences(m.OwnerReferences)
	u.SetFinalizers(m.Finalizers)
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

func (item *listItem) reducedStatus() map[string]any {
	s := &item.Status
	status := map[string]any{}
	if s.Phase != "" {
		status["phase"] = s.Phase
	}
	if s.NodeRef != nil {
		status["nodeRef"] = map[string]any{"name": s.NodeRef.Name}
	}
	if s.Conditions != nil {
		status["conditions"] = conditionValues(s.Conditions)
	}
	if d := s.Deprecated; d != nil && d.V1Beta1 != nil && d.V1Beta1.Conditions != nil {
		status["deprecated"] = map[string]any{"v1beta1": map[string]any{"conditions": conditionValues(d.V1Beta1.Conditions)}}
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
