package main_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestVerify_HalfMovedWithoutOwners, through the binary: EKS-A's objects
// applied before any owner reference, half moved as a rule that followed
// owners alone left them (the Cluster on management, its control plane,
// infrastructure, etcd cluster and templates in KinD). status said Healthy
// there (issue 13); now status says SplitMove, backup takes both halves,
// verify fails naming the Cluster's reference, and move finishes the job.
func TestVerify_HalfMovedWithoutOwners(t *testing.T) {
	t.Parallel()
	left := map[string]bool{"KubeadmControlPlane": true, "VSphereCluster": true, "EtcdadmCluster": true,
		"VSphereMachineTemplate": true, "KubeadmConfigTemplate": true}
	w := startWorld(t, testworld.Options{Scenario: testworld.Empty, Flavour: testworld.V1Beta2})
	objs, err := w.SeedWithoutOwners(t.Context(), func(o *unstructured.Unstructured) bool { return !left[o.GetKind()] })
	if err != nil {
		t.Fatal(err)
	}

	if res := run(t, w.Dir, "status"); res.code != 2 || !strings.Contains(res.stdout, "Cluster cluster3: SplitMove") ||
		!strings.Contains(res.stdout, "spec.controlPlaneRef names KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3, which the management cluster does not hold: it is only on the KinD bootstrap cluster") {
		t.Errorf("status on the half-moved cluster = exit %d\n%s%s\nwant exit 2, SplitMove, the Cluster's controlPlaneRef named", res.code, res.stdout, res.stderr)
	}
	dir := filepath.Join(t.TempDir(), "before")
	if res := run(t, w.Dir, "backup", "--to", dir); res.code != 0 || !strings.Contains(res.stdout, fmt.Sprintf("Backed up %d objects", len(objs))) {
		t.Errorf("backup = exit %d, %s%s; want all %d objects of both halves", res.code, res.stdout, res.stderr, len(objs))
	}
	res := run(t, w.Dir, "verify", "--from", dir)
	wantRef := "Cluster.cluster.x-k8s.io/cluster3 spec.controlPlaneRef -> KubeadmControlPlane.controlplane.cluster.x-k8s.io/cluster3 (only on the bootstrap cluster)"
	if res.code != 2 || !strings.Contains(res.stdout, "references the management cluster does not resolve") || !strings.Contains(res.stdout, wantRef) {
		t.Errorf("verify on the half-moved cluster = exit %d\n%s%s\nwant exit 2 naming %q", res.code, res.stdout, res.stderr, wantRef)
	}

	if res := run(t, w.Dir, "move", "--yes"); res.code != 0 || !strings.Contains(res.stdout, "Verified") {
		t.Fatalf("move --yes = exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := run(t, w.Dir, "verify", "--from", dir); res.code != 0 {
		t.Errorf("verify after the move = exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := run(t, w.Dir, "status"); strings.Contains(res.stdout, "SplitMove") || strings.Contains(res.stdout, "does not hold") {
		t.Errorf("status after the move still sees the cluster split:\n%s", res.stdout)
	}
}
