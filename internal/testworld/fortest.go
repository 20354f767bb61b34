package testworld

import (
	"context"
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

// CheckOwners fails t unless every owner reference in eksa-system on s
// names, by UID, an object there of the reference's kind and name, and
// unless there are at least minRefs references (a check of none proves
// nothing).
func CheckOwners(t testing.TB, s *Server, minRefs int) {
	t.Helper()
	c, err := DanglingOwners(context.Background(), s.Config, Namespace)
	if err != nil {
		t.Fatalf("reading owner references on %s: %v", s.Name, err)
	}
	for _, d := range c.Dangling {
		t.Errorf("%s cluster: %s", s.Name, d)
	}
	if c.Refs < minRefs {
		t.Errorf("%s cluster: %d owner references on %d objects in %s, want at least %d", s.Name, c.Refs, c.Objects, Namespace, minRefs)
	}
}
