package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func object(apiVersion, kind, name string, paused bool) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"replicas": int64(3)}}}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace("eksa-system")
	u.SetName(name)
	if paused {
		_ = unstructured.SetNestedField(u.Object, true, "spec", "paused")
	}
	return u
}

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	cluster := object("cluster.x-k8s.io/v1beta1", "Cluster", "c1", true)
	machine := object("cluster.x-k8s.io/v1beta1", "Machine", "c1-m", false)
	secret := object("v1", "Secret", "c1-kubeconfig", false)
	m, err := Write(dir, "c1", "test", time.Now(),
		Set{Source: "bootstrap", Objects: []*unstructured.Unstructured{cluster, machine}},
		Set{Source: "management", Objects: []*unstructured.Unstructured{machine, secret}})
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, e := range m.Objects {
		sources[e.Kind+"/"+e.Name] = e.Source
	}
	want := map[string]string{"Cluster/c1": "bootstrap", "Machine/c1-m": "both", "Secret/c1-kubeconfig": "management"}
	if len(sources) != len(want) {
		t.Fatalf("manifest = %v, want %v", sources, want)
	}
	for k, v := range want {
		if sources[k] != v {
			t.Errorf("manifest source of %s = %q, want %q", k, sources[k], v)
		}
	}
	if len(m.PausedClusters) != 1 || m.PausedClusters[0] != "c1" {
		t.Errorf("PausedClusters = %v, want [c1]", m.PausedClusters)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	objs, got, err := Read(dir)
	if err != nil || len(objs) != 3 || got.Cluster != "c1" {
		t.Fatalf("Read = %d objects, %+v, %v; want 3, cluster c1", len(objs), got, err)
	}
	for _, o := range objs {
		if r, _, _ := unstructured.NestedInt64(o.Object, "spec", "replicas"); r != 3 {
			t.Errorf("%s read back with replicas %d, want 3 (an int64, as the API server's)", o.GetName(), r)
		}
	}
	if _, err := Write(dir, "c1", "test", time.Now()); err == nil {
		t.Error("Write over an existing backup: no error; a backup is never overwritten")
	}
}

func TestRead_Refuses(t *testing.T) {
	write := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "b")
		if _, err := Write(dir, "c1", "test", time.Now(), Set{Source: "bootstrap", Objects: []*unstructured.Unstructured{
			object("cluster.x-k8s.io/v1beta1", "Cluster", "c1", false), object("cluster.x-k8s.io/v1beta1", "Machine", "c1-m", false)}}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	file := "Machine_eksa-system_c1-m.yaml"
	tests := []struct {
		name    string
		break_  func(dir string) error
		wantErr string
	}{
		{"a file changed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, file), []byte("kind: Machine\n"), 0o600)
		}, "is corrupt: " + file},
		{"a file missing", func(dir string) error { return os.Remove(filepath.Join(dir, file)) }, "is truncated: " + file},
		{"a file added", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "Secret_eksa-system_x.yaml"), []byte("kind: Secret\n"), 0o600)
		}, "is corrupt: Secret_eksa-system_x.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t)
			if err := tt.break_(dir); err != nil {
				t.Fatal(err)
			}
			objs, m, err := Read(dir)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || objs != nil || m != nil {
				t.Errorf("Read = %d objects, %v, %v; want none and an error containing %q", len(objs), m, err, tt.wantErr)
			}
		})
	}
	t.Run("no manifest: eksctl's folder, read unchecked", func(t *testing.T) {
		dir := write(t)
		if err := os.Remove(ManifestPath(dir)); err != nil {
			t.Fatal(err)
		}
		objs, m, err := Read(dir)
		if !errors.Is(err, ErrNoManifest) || len(objs) != 2 || m != nil {
			t.Errorf("Read = %d objects, %v, %v; want 2 and ErrNoManifest", len(objs), m, err)
		}
	})
}
