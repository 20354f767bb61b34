package testworld

import (
	"context"
	"os"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
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
	c, err := DanglingOwners(context.Background(), s.Config, eksa.Namespace)
	if err != nil {
		t.Fatalf("reading owner references on %s: %v", s.Name, err)
	}
	for _, d := range c.Dangling {
		t.Errorf("%s cluster: %s", s.Name, d)
	}
	if c.Refs < minRefs {
		t.Errorf("%s cluster: %d owner references on %d objects in %s, want at least %d", s.Name, c.Refs, c.Objects, eksa.Namespace, minRefs)
	}
}

// State is every object in eksa-system and the EKS-A namespace on each
// running server of the world, by resourceVersion (see ResourceVersions).
type State map[string]string

// StateForTest reads the world's State; stopped servers are left out.
func (w *World) StateForTest(t testing.TB) State {
	t.Helper()
	out := State{}
	for _, s := range []*Server{w.Management, w.Bootstrap} {
		if s == nil || !s.Running() {
			continue
		}
		rvs, err := ResourceVersions(context.Background(), s.Config, eksa.Namespace, EKSANamespace)
		if err != nil {
			t.Fatalf("reading the %s cluster's objects: %v", s.Name, err)
		}
		for k, v := range rvs {
			out[s.Name+":"+k] = v
		}
	}
	return out
}

// CheckUnchanged fails t for each object created, changed or deleted
// between before and after, naming what did it.
func CheckUnchanged(t testing.TB, what string, before, after State) {
	t.Helper()
	if len(before) == 0 {
		t.Fatalf("%s: the state before holds no object; the check would prove nothing", what)
	}
	for k, rv := range after {
		if old, ok := before[k]; !ok {
			t.Errorf("%s created %s", what, k)
		} else if old != rv {
			t.Errorf("%s changed %s (resourceVersion %s -> %s)", what, k, old, rv)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("%s deleted %s", what, k)
		}
	}
}
