package ops

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRoleFiles: deploy/rbac holds exactly the roles the plans' rights
// render, so the README's roles cannot drift from what the plans ask.
func TestRoleFiles(t *testing.T) {
	files, err := RoleFiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "deploy", "rbac")
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("deploy/rbac/%s differs from the rights the plans ask for (%v): run `go run ./hack/rbac`", name, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := files[e.Name()]; !ok {
			t.Errorf("deploy/rbac/%s is no role the plugin renders: remove it", e.Name())
		}
	}
}
