package testworld

import (
	"crypto/sha1" //nolint:gosec // naming only: a stable id from a name, not security
	"encoding/base64"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// newObject builds an unstructured object. Status, when given, is seeded
// through the status subresource afterwards, as a controller would write it.
func newObject(apiVersion, kind, namespace, name string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	if len(labels) > 0 {
		u.SetLabels(labels)
	}
	return u
}

func set(u *unstructured.Unstructured, value any, fields ...string) {
	if err := unstructured.SetNestedField(u.Object, deepCopyJSON(value), fields...); err != nil {
		panic(fmt.Sprintf("testworld: setting %v on %s %s: %v", fields, u.GetKind(), u.GetName(), err))
	}
}

// ownedBy adds an owner reference by apiVersion, kind and name; the seeder
// fills in the owner's UID once the owner exists on the server, since envtest
// has no controllers to do it.
func ownedBy(u, owner *unstructured.Unstructured, controller bool) {
	ref := map[string]any{
		"apiVersion":         owner.GetAPIVersion(),
		"kind":               owner.GetKind(),
		"name":               owner.GetName(),
		"uid":                "",
		"blockOwnerDeletion": true,
	}
	if controller {
		ref["controller"] = true
	}
	refs, _, _ := unstructured.NestedSlice(u.Object, "metadata", "ownerReferences")
	set(u, append(refs, ref), "metadata", "ownerReferences")
}

// deepCopyJSON normalises Go values to the JSON types unstructured accepts.
func deepCopyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyJSON(e)
		}
		return out
	case []string:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out
	case int:
		return int64(t)
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = e
		}
		return out
	}
	return v
}

// stableUUID derives a vSphere-like BIOS UUID from a name, so a world seeded
// twice has the same providerIDs and tests can name them.
func stableUUID(name string) string {
	h := sha1.Sum([]byte(name)) //nolint:gosec // see import
	return fmt.Sprintf("4230%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13])
}

// stableSuffix is the 5-character suffix CAPI appends to generated names.
func stableSuffix(name string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	h := sha1.Sum([]byte(name)) //nolint:gosec // see import
	out := make([]byte, 5)
	for i := range out {
		out[i] = alphabet[int(h[i])%len(alphabet)]
	}
	return string(out)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
