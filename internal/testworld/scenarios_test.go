package testworld_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

const (
	noKind   = -1 // no KinD kubeconfig on disk
	kindDown = -2 // KinD kubeconfig on disk, its API server stopped
	mgmtDown = -2 // management's API server stopped
)

func TestWorld_Scenarios(t *testing.T) {
	tests := []struct {
		scenario     testworld.Scenario
		mgmtMachines int // cluster3's Machines on management
		bootMachines int
		eksaPaused   bool
		checkpoint   bool
		backups      int
		wantMachines int // Machines in any state, incl. workload clusters' (for vcsim)
	}{
		{testworld.Healthy, 3, noKind, false, false, 0, 3},
		{testworld.ValidationFailed, 3, 0, true, true, 0, 3},
		{testworld.Stranded, 0, 3, true, true, 2, 3},
		{testworld.Split, 3, 2, true, true, 2, 3},
		{testworld.BootstrapDown, 0, kindDown, true, true, 1, 3},
		{testworld.ManagementDown, mgmtDown, 3, true, true, 1, 3},
		{testworld.Missing, 0, noKind, true, false, 1, 3},
		{testworld.PausedInPlace, 3, noKind, true, false, 1, 6},
		{testworld.Empty, 0, 0, false, false, 0, 3},
	}
	for _, f := range testworld.Flavours {
		for _, tt := range tests {
			t.Run(string(f)+"/"+string(tt.scenario), func(t *testing.T) {
				t.Parallel()
				w := startWorld(t, testworld.Options{Scenario: tt.scenario, Flavour: f})
				l := w.Layout

				if got := machinesIn(t, l.ManagementKubeconfig(), f, tt.mgmtMachines == mgmtDown); got != tt.mgmtMachines {
					t.Errorf("management machines = %d, want %d", got, tt.mgmtMachines)
				}
				boot := noKind
				if exists(l.BootstrapKubeconfig()) {
					boot = machinesIn(t, l.BootstrapKubeconfig(), f, tt.bootMachines == kindDown)
				}
				if boot != tt.bootMachines {
					t.Errorf("bootstrap machines = %d, want %d", boot, tt.bootMachines)
				}
				if got := exists(l.Checkpoint()); got != tt.checkpoint {
					t.Errorf("checkpoint %s exists = %v, want %v", l.Checkpoint(), got, tt.checkpoint)
				}
				if got := globCount(t, filepath.Join(l.Dir(), "*backup*")); got != tt.backups {
					t.Errorf("backup folders = %d, want %d", got, tt.backups)
				}
				if !exists(l.ManagementKubeconfig()) || !exists(l.ClusterSpec()) {
					t.Errorf("eksctl's management kubeconfig or cluster spec is missing in %s", l.Dir())
				}
				n := 0
				for _, c := range w.Clusters {
					n += len(c.Machines)
				}
				if n != tt.wantMachines {
					t.Errorf("world machines = %d, want %d", n, tt.wantMachines)
				}
				if tt.mgmtMachines != mgmtDown && tt.scenario != testworld.Empty {
					_, mgmt := clientFor(t, l.ManagementKubeconfig())
					checkEKSAPaused(t, mgmt, tt.eksaPaused)
				}
			})
		}
	}
}

func TestWorld_SplitIsPartOnEachSide(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.Split, Flavour: testworld.V1Beta2, SplitCreated: 12, SplitDeleted: 0})
	_, mgmt := clientFor(t, w.Layout.ManagementKubeconfig())
	// The first 12 objects in owner order reached management, without the
	// status a move never carries; nothing was deleted from KinD yet.
	mds := list(t, mgmt, schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: "v1beta2", Resource: "machinedeployments"}, eksa.Namespace)
	if len(mds) != 1 {
		t.Fatalf("management machinedeployments = %d, want 1", len(mds))
	}
	if _, found := mds[0].Object["status"]; found {
		if phase, _, _ := nestedString(mds[0].Object, "status", "phase"); phase != "" {
			t.Errorf("moved MachineDeployment status.phase = %q, want none", phase)
		}
	}
	if got := machinesIn(t, w.Layout.ManagementKubeconfig(), testworld.V1Beta2, false); got != 0 {
		t.Errorf("management machines = %d, want 0 (created after the cut)", got)
	}
	if got := machinesIn(t, w.Layout.BootstrapKubeconfig(), testworld.V1Beta2, false); got != 3 {
		t.Errorf("bootstrap machines = %d, want 3 (none deleted)", got)
	}
}

// machinesIn counts cluster3's Machines through a kubeconfig; down says the
// server is expected not to answer, and then it returns mgmtDown/kindDown.
func machinesIn(t *testing.T, kubeconfig string, f testworld.Flavour, down bool) int {
	t.Helper()
	_, dyn := clientFor(t, kubeconfig)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	l, err := dyn.Resource(machinesGVR(f)).Namespace(eksa.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: eksa.LabelClusterName + "=cluster3",
	})
	switch {
	case down && err != nil && (strings.Contains(err.Error(), "connection refused") || ctx.Err() != nil):
		return kindDown
	case down:
		t.Errorf("%s answered (%v), want its API server stopped", kubeconfig, err)
		return 0
	case err != nil:
		t.Fatalf("listing machines through %s: %v", kubeconfig, err)
	}
	return len(l.Items)
}

func checkEKSAPaused(t *testing.T, mgmt dynamic.Interface, want bool) {
	t.Helper()
	gvr := schema.GroupVersionResource{Group: eksa.GroupEKSA, Version: "v1alpha1", Resource: "clusters"}
	c, err := mgmt.Resource(gvr).Namespace("default").Get(t.Context(), "cluster3", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting the EKS-A cluster: %v", err)
	}
	a := c.GetAnnotations()
	if got := a[eksa.AnnotationEKSAPaused] == "true"; got != want {
		t.Errorf("EKS-A cluster paused annotation = %v, want %v", got, want)
	}
	if got := a[eksa.AnnotationManagedByCLI] == "true"; got != want {
		t.Errorf("EKS-A cluster managed-by-cli annotation = %v, want %v", got, want)
	}
}
