package main_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// checkVerifyFails breaks a moved world three ways at once (the Cluster
// back in KinD, a Secret gone from management, a Machine relabelled there)
// and expects `verify` to exit 2 naming each object in its list.
func checkVerifyFails(t *testing.T, w *testworld.World) {
	t.Helper()
	boot, mgmt := w.ConnectForTest(t)
	g, err := mover.Read(t.Context(), mgmt, "cluster3")
	if err != nil {
		t.Fatal(err)
	}
	var cluster, secret, machine *unstructured.Unstructured
	for _, k := range g.Keys() {
		o := g.Objects[k]
		switch {
		case o.GetKind() == "Cluster" && cluster == nil:
			cluster = o
		case o.GetKind() == "Secret" && secret == nil:
			secret = o
		case o.GetKind() == "Machine" && machine == nil:
			machine = o
		}
	}
	if cluster == nil || secret == nil || machine == nil {
		t.Fatalf("management holds no Cluster, Secret or Machine of cluster3 after the move: %v", g.Keys())
	}
	on := func(c *writable.Cluster, o *unstructured.Unstructured) dynamic.ResourceInterface {
		r := c.Resources[schema.GroupKind{Group: o.GroupVersionKind().Group, Kind: o.GetKind()}]
		return c.Dyn.Resource(r.GVR).Namespace(eksa.Namespace)
	}
	back := cluster.DeepCopy()
	for _, f := range []string{"resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "finalizers"} {
		unstructured.RemoveNestedField(back.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(back.Object, "status")
	if _, err := on(boot, cluster).Create(t.Context(), back, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := on(mgmt, secret).Patch(t.Context(), secret.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := on(mgmt, secret).Delete(t.Context(), secret.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := on(mgmt, machine).Patch(t.Context(), machine.GetName(), types.MergePatchType, []byte(`{"metadata":{"labels":{"relabelled":"yes"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	res := run(t, w.Dir, "verify")
	want := []string{
		"Not verified:",
		"still on the bootstrap cluster (1): " + objgraph.KeyOf(cluster).String(),
		"missing on the management cluster (1): " + objgraph.KeyOf(secret).String(),
		"different from the backup (1): " + objgraph.KeyOf(machine).String(),
	}
	if res.code != 2 {
		t.Errorf("verify on a broken move = exit %d, want 2\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, line := range want {
		if !strings.Contains(res.stdout, line) {
			t.Errorf("verify on a broken move does not say %q\nstdout: %s", line, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "Verified:") {
		t.Errorf("verify on a broken move says Verified:\n%s", res.stdout)
	}
}
