package mover

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// Verification is step 6 of the manual procedure, as data.
type Verification struct {
	LeftInSource    []string // the cluster's objects still in KinD
	MissingOnTarget []string // backed-up objects not on management
	Differs         []string // on management, but not as backed up
	// Unresolved are the references of the cluster's objects on
	// management that name an object management lacks, and where it is:
	// a backup taken by a rule that missed it cannot show it missing.
	Unresolved []string
	Checked    int
}

// OK says whether the move is complete.
func (v *Verification) OK() bool {
	return len(v.LeftInSource)+len(v.MissingOnTarget)+len(v.Differs)+len(v.Unresolved) == 0
}

// Verify checks that source holds none of the cluster's objects, that
// target holds every object of the backup with equal spec (or data),
// labels, annotations and owners, and, for one cluster, that every
// reference of its objects on target resolves there. Status is not
// compared: it is the controllers' to refill, and a move never carries it.
// Both clusters are read by the rule across them (ReadBoth), so what
// target's objects reference and only source holds counts as left there.
func Verify(ctx context.Context, source, target *writable.Cluster, cluster string, backup []*unstructured.Unstructured) (*Verification, error) {
	v := &Verification{}
	var listed []*unstructured.Unstructured // all the target holds, once
	if source != nil || cluster != "" {
		onTarget, left, dangling, all, err := readBoth(ctx, target, source, cluster)
		if err != nil {
			return nil, err
		}
		listed = all
		if source != nil {
			v.LeftInSource = objgraph.KeyStrings(left.Keys())
		}
		if cluster != "" {
			v.Unresolved = unresolvedOnTarget(dangling, onTarget, source)
		}
	} else {
		all, err := listAll(ctx, target)
		if err != nil {
			return nil, err
		}
		listed = all
	}
	onTarget := make(map[objgraph.Key]*unstructured.Unstructured, len(listed))
	for _, o := range listed {
		onTarget[objgraph.KeyOf(o)] = o
	}
	for _, want := range backup {
		k := objgraph.KeyOf(want)
		if _, served := target.Resources[k.GroupKind()]; !served {
			v.MissingOnTarget = append(v.MissingOnTarget, k.String()+" (no CRD)")
			continue
		}
		got, ok := onTarget[k]
		if !ok {
			v.MissingOnTarget = append(v.MissingOnTarget, k.String())
			continue
		}
		v.Checked++
		if !equalJSON(comparable(want), comparable(got)) {
			v.Differs = append(v.Differs, k.String())
		}
	}
	sort.Strings(v.MissingOnTarget)
	sort.Strings(v.Differs)
	return v, nil
}

// comparable is what a move must carry over unchanged: everything but
// status and server-set metadata, with owners by kind and name (their UIDs
// differ per cluster), and without the pause a move toggles on Clusters.
func comparable(u *unstructured.Unstructured) map[string]any {
	out := map[string]any{}
	for k, v := range u.Object {
		if k != "status" && k != "metadata" && k != "apiVersion" {
			out[k] = v
		}
	}
	var owners []string
	for _, ref := range u.GetOwnerReferences() {
		owners = append(owners, objgraph.OwnerKey(ref).String())
	}
	sort.Strings(owners)
	annotations := map[string]string{}
	for k, v := range u.GetAnnotations() {
		if k != eksa.AnnotationDeleteForMove {
			annotations[k] = v
		}
	}
	out["metadata"] = map[string]any{"labels": fmt.Sprint(u.GetLabels()), "annotations": fmt.Sprint(annotations), "owners": owners}
	if u.GetKind() == "Cluster" {
		if spec, ok := out["spec"].(map[string]any); ok {
			spec = copyMap(spec)
			delete(spec, "paused")
			out["spec"] = spec
		}
	}
	return out
}

// equalJSON compares through JSON, so int64 and float64 of the same number
// (a file read back, an object from the server) are equal.
func equalJSON(a, b map[string]any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return false
	}
	var na, nb any
	_ = json.Unmarshal(ja, &na)
	_ = json.Unmarshal(jb, &nb)
	return reflect.DeepEqual(na, nb)
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// unresolvedOnTarget words the dangling references of target's graph (side
// 0 of ReadBoth) as "<object> <field> -> <target> (where it is)".
func unresolvedOnTarget(dangling []objgraph.Dangling, onTarget *Graph, source *writable.Cluster) []string {
	var out []string
	for _, d := range dangling {
		if d.Side != 0 || onTarget.Objects[d.From] == nil {
			continue
		}
		where := "on neither cluster"
		if d.Elsewhere == 1 && source != nil {
			where = "only on the " + source.Name + " cluster"
		}
		out = append(out, fmt.Sprintf("%s (%s)", d, where))
	}
	return out
}
