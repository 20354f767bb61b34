package testworld

import (
	"os"
	"testing"
)

// StartForTest starts a world for one test (in t's temporary folder unless
// o.Dir is set) and stops it when the test ends. The world needs real API
// servers: it is skipped under -short only, and a missing KUBEBUILDER_ASSETS
// fails rather than skips, so CI cannot go green on tests that never ran.
func StartForTest(t testing.TB, o Options) *World {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real API servers")
	}
	if os.Getenv(EnvAssets) == "" {
		t.Fatalf("%s is not set: run `make test` (it builds kube-apiserver and etcd) or `make test-assets`", EnvAssets)
	}
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	if o.Logf == nil {
		o.Logf = t.Logf
	}
	w, err := Start(t.Context(), o)
	if err != nil {
		t.Fatalf("starting the %s world (%s): %v", o.Scenario, o.Flavour, err)
	}
	t.Cleanup(func() {
		if err := w.Stop(); err != nil {
			t.Errorf("stopping the world: %v", err)
		}
	})
	return w
}
