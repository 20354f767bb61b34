package mover_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// TestVerify_Fails: Verify must see each way a move can be incomplete or
// wrong: an object left in KinD, one missing on management, and one whose
// spec, data, labels, annotations or owners differ from the backup. Each
// case breaks one object, expects exactly that object in exactly one list,
// then puts it back and expects OK again. What a move may change (status,
// owner UIDs) must not fail it.
func TestVerify_Fails(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta1})
	boot, mgmt := connect(t, w)
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := move(t, boot, mgmt, dir, false); err != nil {
		t.Fatalf("Move() = %v", err)
	}
	backup, _, err := backup.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(t *testing.T) *mover.Verification {
		t.Helper()
		v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", backup)
		if err != nil {
			t.Fatalf("Verify() = %v", err)
		}
		return v
	}
	if v := verify(t); !v.OK() || v.Checked != len(backup) {
		t.Fatalf("Verify() after the move = %+v; want OK with %d checked", v, len(backup))
	}

	byKind := func(kind string, owned bool) *unstructured.Unstructured {
		for _, o := range backup {
			if o.GetKind() == kind && (!owned || len(o.GetOwnerReferences()) > 0) {
				return o
			}
		}
		t.Fatalf("the backup holds no %s (owned %v)", kind, owned)
		return nil
	}
	cluster, machine, secret := byKind("Cluster", false), byKind("Machine", true), byKind("Secret", false)
	key := func(o *unstructured.Unstructured) string { return objgraph.KeyOf(o).String() }
	on := func(c *writable.Cluster, o *unstructured.Unstructured) dynamic.ResourceInterface {
		gk := schema.GroupKind{Group: o.GroupVersionKind().Group, Kind: o.GetKind()}
		r, ok := c.Resources[gk]
		if !ok {
			t.Fatalf("the %s cluster serves no %s", c.Name, gk)
		}
		return c.Dyn.Resource(r.GVR).Namespace(eksa.Namespace)
	}
	// patchMgmt changes o on management and returns how to put it back.
	// sub is "status" for a patch of the status subresource.
	patchMgmt := func(o *unstructured.Unstructured, pt types.PatchType, patch string, sub ...string) func(t *testing.T) {
		return func(t *testing.T) {
			ri := on(mgmt, o)
			saved, err := ri.Get(t.Context(), o.GetName(), metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ri.Patch(t.Context(), o.GetName(), pt, []byte(patch), metav1.PatchOptions{}, sub...); err != nil {
				t.Fatalf("patching %s on management: %v", key(o), err)
			}
			t.Cleanup(func() { // t.Context() is done by now
				ctx := context.Background()
				live, err := ri.Get(ctx, o.GetName(), metav1.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				saved.SetResourceVersion(live.GetResourceVersion())
				if _, err := ri.Update(ctx, saved, metav1.UpdateOptions{}, sub...); err != nil {
					t.Fatalf("putting %s back: %v", key(o), err)
				}
			})
		}
	}
	tests := []struct {
		name   string
		break_ func(t *testing.T)
		// want: the one list the object must be in, and the object.
		list, object string
	}{
		{"Cluster left in KinD", func(t *testing.T) {
			ri := on(boot, cluster)
			if _, err := ri.Create(t.Context(), fresh(cluster), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := ri.Delete(context.Background(), cluster.GetName(), metav1.DeleteOptions{}); err != nil {
					t.Fatal(err)
				}
			})
		}, "LeftInSource", key(cluster)},
		{"Machine spec differs", patchMgmt(machine, types.MergePatchType, `{"spec":{"version":"v1.99.0"}}`), "Differs", key(machine)},
		{"Secret data differs", patchMgmt(secret, types.MergePatchType, `{"data":{"value":"Y2hhbmdlZA=="}}`), "Differs", key(secret)},
		{"label added", patchMgmt(machine, types.MergePatchType, `{"metadata":{"labels":{"extra":"x"}}}`), "Differs", key(machine)},
		{"label removed", patchMgmt(machine, types.JSONPatchType, `[{"op":"remove","path":"/metadata/labels/cluster.x-k8s.io~1cluster-name"}]`), "Differs", key(machine)},
		{"annotation added", patchMgmt(machine, types.MergePatchType, `{"metadata":{"annotations":{"extra":"x"}}}`), "Differs", key(machine)},
		{"owner renamed", patchMgmt(machine, types.JSONPatchType, `[{"op":"replace","path":"/metadata/ownerReferences/0/name","value":"someone-else"}]`), "Differs", key(machine)},
		{"owner dropped", patchMgmt(machine, types.JSONPatchType, `[{"op":"remove","path":"/metadata/ownerReferences"}]`), "Differs", key(machine)},
		// What a move does not carry or cannot keep does not fail it.
		{"status differs", patchMgmt(machine, types.MergePatchType, `{"status":{"phase":"Deleting"}}`, "status"), "", ""},
		{"owner uid differs", patchMgmt(machine, types.JSONPatchType, `[{"op":"replace","path":"/metadata/ownerReferences/0/uid","value":"00000000-0000-0000-0000-000000000001"}]`), "", ""},
		// Last: it deletes, and is not put back.
		{"Machine missing on management", func(t *testing.T) {
			ri := on(mgmt, machine)
			if _, err := ri.Patch(t.Context(), machine.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := ri.Delete(t.Context(), machine.GetName(), metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
		}, "MissingOnTarget", key(machine)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.break_(t)
			v := verify(t)
			got := map[string][]string{"LeftInSource": v.LeftInSource, "MissingOnTarget": v.MissingOnTarget, "Differs": v.Differs}
			for list, keys := range got {
				want := []string(nil)
				if list == tt.list {
					want = []string{tt.object}
				}
				if !slices.Equal(keys, want) {
					t.Errorf("Verify().%s = %q, want %q", list, keys, want)
				}
			}
			if v.OK() != (tt.list == "") {
				t.Errorf("Verify().OK() = %v, want %v (%+v)", v.OK(), tt.list == "", v)
			}
		})
		if tt.list != "MissingOnTarget" {
			if v := verify(t); !v.OK() {
				t.Fatalf("after putting back %q: Verify() = %+v, want OK", tt.name, v)
			}
		}
	}
}

// fresh is o as a create would send it: without server-set metadata,
// finalizers or status.
func fresh(o *unstructured.Unstructured) *unstructured.Unstructured {
	c := o.DeepCopy()
	for _, f := range []string{"resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "finalizers"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(c.Object, "status")
	return c
}
