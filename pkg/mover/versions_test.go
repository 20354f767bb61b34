package mover_test

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// An object is written in the version it was backed up in, never relabelled:
// a target that does not serve that version is refused before any write.
// The v1beta2 world serves Cluster API's v1beta2 alone.
func TestRestore_RefusesAVersionTheTargetDoesNotServe(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing, Flavour: testworld.V1Beta2})
	mgmt := connectManagement(t, w)
	objs := readEksctlBackup(t, w)
	for _, o := range objs {
		if o.GetKind() == "Machine" {
			o.SetAPIVersion("cluster.x-k8s.io/v1beta1") // as a backup from an older Cluster API holds it
		}
	}
	_, err := restore(t, mgmt, objs, nil, false, false)
	if err == nil || !strings.Contains(err.Error(), "does not serve Machine cluster.x-k8s.io/v1beta1") {
		t.Fatalf("Restore() = %v, want a refusal naming Machine cluster.x-k8s.io/v1beta1", err)
	}
	if g, err := mover.Read(t.Context(), mgmt, "cluster3"); err != nil || g.Len() != 0 {
		t.Errorf("after the refusal management holds %v (err %v), want nothing", g.Keys(), err)
	}
}
