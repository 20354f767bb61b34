package mover_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

func TestCompareProviders(t *testing.T) {
	capv := func(v string) snapshot.Provider {
		return snapshot.Provider{Namespace: "capv-system", Name: "infrastructure-vsphere", ProviderName: "vsphere", Type: "InfrastructureProvider", Version: v}
	}
	core := func(v string) snapshot.Provider {
		return snapshot.Provider{Namespace: "capi-system", Name: "cluster-api", ProviderName: "cluster-api", Type: "CoreProvider", Version: v}
	}
	tests := []struct {
		name           string
		source, target []snapshot.Provider
		wantErr        string
	}{
		{name: "same versions", source: []snapshot.Provider{core("v1.14.2"), capv("v1.13.1")}, target: []snapshot.Provider{capv("v1.13.1"), core("v1.14.2")}},
		{name: "target newer", source: []snapshot.Provider{capv("v1.8.5")}, target: []snapshot.Provider{capv("v1.13.1")}},
		{name: "no providers in the source", target: []snapshot.Provider{capv("v1.13.1")}},
		{name: "another namespace is the same provider", source: []snapshot.Provider{capv("v1.8.5")},
			target: []snapshot.Provider{{Namespace: "other", Name: "infrastructure-vsphere", ProviderName: "vsphere", Type: "InfrastructureProvider", Version: "v1.9.0"}}},
		{name: "the newest of several copies counts", source: []snapshot.Provider{capv("v1.9.0")}, target: []snapshot.Provider{capv("v1.8.5"), capv("v1.10.0")}},
		{name: "semver, not string order", source: []snapshot.Provider{capv("v1.9.0")}, target: []snapshot.Provider{capv("v1.10.0")}},
		{name: "older on the target", source: []snapshot.Provider{capv("v1.13.1"), core("v1.14.2")}, target: []snapshot.Provider{capv("v1.8.5"), core("v1.14.2")},
			wantErr: "install/upgrade infrastructure-vsphere to >= v1.13.1 (has v1.8.5) on the management cluster before moving (nothing was changed)"},
		{name: "missing on the target", source: []snapshot.Provider{capv("v1.13.1"), core("v1.14.2")}, target: []snapshot.Provider{capv("v1.13.1")},
			wantErr: "install/upgrade cluster-api to >= v1.14.2 (missing) on the management cluster"},
		{name: "same name, other type is another provider", source: []snapshot.Provider{capv("v1.13.1")},
			target:  []snapshot.Provider{{Name: "infrastructure-vsphere", ProviderName: "vsphere", Type: "BootstrapProvider", Version: "v9.0.0"}},
			wantErr: "infrastructure-vsphere to >= v1.13.1 (missing)"},
		{name: "pre-release is older than its release", source: []snapshot.Provider{capv("v1.13.1")}, target: []snapshot.Provider{capv("v1.13.1-rc.0")},
			wantErr: "infrastructure-vsphere to >= v1.13.1 (has v1.13.1-rc.0)"},
		{name: "every provider in one line", source: []snapshot.Provider{capv("v1.13.1"), core("v1.14.2")},
			wantErr: "install/upgrade cluster-api to >= v1.14.2 (missing), infrastructure-vsphere to >= v1.13.1 (missing) on the management cluster"},
		{name: "a version that is not semver", source: []snapshot.Provider{capv("latest")}, target: []snapshot.Provider{capv("v1.13.1")},
			wantErr: `provider infrastructure-vsphere in capv-system has version "latest", not semver`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mover.CompareProviders(tt.source, tt.target, "management")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CompareProviders() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CompareProviders() = %v, want %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("CompareProviders() = %q, want one line", err)
			}
		})
	}
}

// TestMove_RefusesOlderProviders: management's CAPV is older than KinD's,
// as after a half-finished `clusterctl upgrade`; the move stops before its
// backup, with the fix in one line, and both clusters are as they were.
func TestMove_RefusesOlderProviders(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	inventory := dyn.Resource(schema.GroupVersionResource{Group: "clusterctl.cluster.x-k8s.io", Version: "v1alpha3", Resource: "providers"})
	if _, err := inventory.Namespace("capv-system").Patch(t.Context(), "infrastructure-vsphere", "application/merge-patch+json",
		[]byte(`{"version":"v1.8.5"}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	boot, mgmt := connect(t, w)
	dir := filepath.Join(t.TempDir(), "backup")
	for _, dryRun := range []bool{true, false} {
		_, err := move(t, boot, mgmt, dir, dryRun)
		want := "install/upgrade infrastructure-vsphere to >= v1.14.0 (has v1.8.5) on the management cluster before moving (nothing was changed)"
		if err == nil || err.Error() != want {
			t.Errorf("Move(dryRun=%t) = %v, want %q", dryRun, err, want)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused move wrote a backup (%v)", err)
	}
	if got := graph(t, boot).Len(); got != len(w.Cluster3().Objects) {
		t.Errorf("KinD holds %d objects after the refusal, want all %d", got, len(w.Cluster3().Objects))
	}
	if got := graph(t, mgmt).Len(); got != 0 {
		t.Errorf("management holds %d objects after the refusal, want 0", got)
	}
}
