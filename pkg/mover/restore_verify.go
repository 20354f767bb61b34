package mover

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// VerifyRestore is Verify for a restore onto target: every object of the
// backup must be there, as backed up. An object the server holds with every
// field of the backup's copy, plus fields the backup lacks, counts as
// restored whole: its CRD's defaults were added on create (a newer CAPI's
// KubeadmControlPlane gains spec.rolloutStrategy). A value changed or lost
// still differs.
func VerifyRestore(ctx context.Context, target *writable.Cluster, backup []*unstructured.Unstructured) (*Verification, error) {
	v, err := Verify(ctx, nil, target, "", backup)
	if err != nil || len(v.Differs) == 0 {
		return v, err
	}
	byKey := make(map[string]*unstructured.Unstructured, len(backup))
	for _, o := range backup {
		byKey[objgraph.KeyOf(o).String()] = o
	}
	var differs []string
	for _, k := range v.Differs {
		want := byKey[k]
		ri, _, err := target.Resource(objgraph.KeyOf(want).GroupKind())
		if err != nil {
			return nil, err
		}
		got, err := ri.Get(ctx, want.GetName(), metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("reading %s from the %s cluster: %w", k, target.Name, err)
		}
		if w := normalised(comparable(want)); w == nil || !covers(normalised(comparable(got)), w) {
			differs = append(differs, k)
		}
	}
	v.Differs = differs
	return v, nil
}

// covers says whether got holds every value of want: maps may have more
// keys (defaults), lists must have as many items, each covered.
func covers(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			if gv, ok := g[k]; !ok || !covers(gv, wv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !covers(g[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return got == want
	}
}

// normalised is v through JSON, so a file's int64 and the server's float64
// of the same number compare equal.
func normalised(v map[string]any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}
