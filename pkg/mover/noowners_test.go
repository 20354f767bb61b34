package mover_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

// EKS-A's manifests as `create cluster` applies them to KinD, before Cluster
// API's controllers set any owner reference (issue 13): only references in
// spec tie the KubeadmControlPlane, VSphereCluster, EtcdadmCluster and
// machine templates to their Cluster. A rule that followed owners alone
// moved the Cluster and left those in KinD, and status then said Healthy.

// seedWithoutOwners writes the rendered objects: those for which onMgmt
// says so on management, the rest in KinD.
func seedWithoutOwners(t *testing.T, w *testworld.World, onMgmt func(*unstructured.Unstructured) bool) []*unstructured.Unstructured {
	t.Helper()
	objs, err := w.SeedWithoutOwners(t.Context(), onMgmt)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// where reads each object straight from both servers, by kind and name,
// independently of the membership rule under test.
func where(t *testing.T, boot, mgmt *writable.Cluster, objs []*unstructured.Unstructured) (onMgmt, inKinD []string) {
	t.Helper()
	for _, o := range objs {
		k := objgraph.KeyOf(o)
		for _, side := range []struct {
			c   *writable.Cluster
			out *[]string
		}{{mgmt, &onMgmt}, {boot, &inKinD}} {
			ri, _, err := side.c.Resource(k.GroupKind())
			if err != nil {
				t.Fatalf("%s on %s: %v", k, side.c.Name, err)
			}
			_, err = ri.Get(t.Context(), k.Name, metav1.GetOptions{})
			switch {
			case err == nil:
				*side.out = append(*side.out, k.String())
			case !apierrors.IsNotFound(err):
				t.Fatalf("reading %s from %s: %v", k, side.c.Name, err)
			}
		}
	}
	return onMgmt, inKinD
}

func keyStrings(objs []*unstructured.Unstructured) []string {
	out := make([]string, 0, len(objs))
	for _, o := range objs {
		out = append(out, objgraph.KeyOf(o).String())
	}
	return out
}

// TestMove_WithoutOwners: every rendered object is the cluster's, and move
// carries all of them: each on management, none left in KinD.
func TestMove_WithoutOwners(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			w := startWorld(t, testworld.Options{Scenario: testworld.Empty, Flavour: f})
			objs := seedWithoutOwners(t, w, func(*unstructured.Unstructured) bool { return false })
			boot, mgmt := connect(t, w)
			if got := graph(t, boot).Len(); got != len(objs) {
				t.Errorf("graph in KinD = %d objects (%v), want all %d rendered", got, graph(t, boot).Keys(), len(objs))
			}
			dir := filepath.Join(t.TempDir(), "backup")
			res, err := move(t, boot, mgmt, dir, false)
			if err != nil {
				t.Fatalf("Move() = %v", err)
			}
			onMgmt, inKinD := where(t, boot, mgmt, objs)
			if want := keyStrings(objs); !reflect.DeepEqual(onMgmt, want) || len(inKinD) > 0 || res.Created != len(objs) {
				t.Errorf("after Move() (%d created): management holds %v, KinD %v; want all of %v on management, none in KinD",
					res.Created, onMgmt, inKinD, want)
			}
			backedUp, _, err := backup.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", backedUp); err != nil || !v.OK() {
				t.Errorf("Verify() = %+v, %v; want OK", v, err)
			}
		})
	}
}

// TestVerify_HalfMovedWithoutOwners: the state the owners-only rule left
// (the Cluster and what names it on management; the control plane, the
// infrastructure, etcd and the templates in KinD) is neither verified nor
// Healthy; move then finishes it. With the control plane gone from KinD
// too, verify names it and status says PartlyMissing.
func TestVerify_HalfMovedWithoutOwners(t *testing.T) {
	left := map[string]bool{"KubeadmControlPlane": true, "VSphereCluster": true, "EtcdadmCluster": true,
		"VSphereMachineTemplate": true, "KubeadmConfigTemplate": true}
	w := startWorld(t, testworld.Options{Scenario: testworld.Empty, Flavour: testworld.V1Beta1})
	objs := seedWithoutOwners(t, w, func(o *unstructured.Unstructured) bool { return !left[o.GetKind()] })
	boot, mgmt := connect(t, w)
	var home []*unstructured.Unstructured
	for _, o := range objs {
		if !left[o.GetKind()] {
			home = append(home, o)
		}
	}

	v, err := mover.Verify(t.Context(), boot, mgmt, "cluster3", home)
	if err != nil {
		t.Fatal(err)
	}
	wantRef := "Cluster.cluster.x-k8s.io/cluster3 spec.controlPlaneRef -> KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3 (only on the bootstrap cluster)"
	if v.OK() || !slices.Contains(v.Unresolved, wantRef) || len(v.LeftInSource) != len(objs)-len(home) {
		t.Errorf("Verify(half moved) = %+v; want not OK, %d left in KinD, unresolved %q", v, len(objs)-len(home), wantRef)
	}
	_, r, err := w.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.State != diagnose.SplitMove || !hasFinding(r, diagnose.CodeUnresolvedReference, "it is only on the KinD bootstrap cluster") ||
		len(r.NextSteps) == 0 || !strings.HasSuffix(r.NextSteps[0].Command, " move") {
		t.Errorf("status on the half-moved cluster = %s (%s), next %+v, findings %+v; want SplitMove, UnresolvedReference, move",
			r.State, r.Summary, r.NextSteps, r.Findings)
	}

	// A lost control plane: in neither cluster.
	ri, _, err := boot.Resource(objgraph.Key{Group: "controlplane.cluster.x-k8s.io", Kind: "KubeadmControlPlane"}.GroupKind())
	if err != nil {
		t.Fatal(err)
	}
	// Its controller's finalizer cleared first, as the controller does when
	// it finishes: lost, not being deleted (a move carries one being deleted).
	if _, err := ri.Patch(t.Context(), "cluster3", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ri.Delete(t.Context(), "cluster3", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if res, err := move(t, boot, mgmt, filepath.Join(t.TempDir(), "b"), false); err != nil || res.Created == 0 {
		t.Fatalf("Move(half moved) = %+v, %v; want the rest moved", res, err)
	}
	v, err = mover.Verify(t.Context(), boot, mgmt, "cluster3", home)
	wantRef = "Cluster.cluster.x-k8s.io/cluster3 spec.controlPlaneRef -> KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3 (on neither cluster)"
	if err != nil || v.OK() || !reflect.DeepEqual(v.Unresolved, []string{wantRef}) || len(v.LeftInSource) > 0 {
		t.Errorf("Verify(control plane lost) = %+v, %v; want only %q unresolved", v, err, wantRef)
	}
	if _, r, err = w.Inspect(t.Context()); err != nil || r.State != diagnose.PartlyMissing {
		t.Errorf("status with the control plane lost = %v, %v; want %s", r, err, diagnose.PartlyMissing)
	}
}

func hasFinding(r *diagnose.Report, code, text string) bool {
	for _, f := range r.Findings {
		if f.Code == code && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}
