package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestBuild_NoSymlinks: a file reached through a symlink planted in logs/
// or generated/, or through logs/ itself linked out of the cluster's
// folder, is never packed, and the README says why; the workspace's own
// files are.
func TestBuild_NoSymlinks(t *testing.T) {
	outside := t.TempDir()
	const secret = "-----BEGIN OPENSSH PRIVATE KEY----- not for support"
	write(t, filepath.Join(outside, "id_rsa"), secret)
	write(t, filepath.Join(outside, "logs", "stolen.log"), secret)

	tests := []struct {
		name  string
		plant func(cluster string)
		note  string
	}{
		{"symlink in logs", func(c string) { symlink(t, filepath.Join(outside, "id_rsa"), filepath.Join(c, "logs", "evil.log")) }, "evil.log: a symlink, not followed"},
		{"symlink in generated", func(c string) {
			symlink(t, filepath.Join(outside, "id_rsa"), filepath.Join(c, "generated", "evil.yaml"))
		}, "evil.yaml: a symlink, not followed"},
		{"logs linked out", func(c string) { symlink(t, filepath.Join(outside, "logs"), filepath.Join(c, "logs")) }, "outside the cluster's folder, not collected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := t.TempDir()
			cluster := filepath.Join(ws, "cluster3")
			write(t, filepath.Join(cluster, "generated", "cluster3-checkpoint.yaml"), "completedTasks: {}\n")
			tt.plant(cluster)
			if _, err := os.Lstat(filepath.Join(cluster, "logs")); err != nil {
				write(t, filepath.Join(cluster, "logs", "own.log"), "eksctl ran\n")
			}
			files := Build(Input{Snapshot: &snapshot.Snapshot{}, Now: time.Now(),
				Workspace: &workspace.Workspace{Dir: ws, ClusterName: "cluster3", LogsDir: filepath.Join(cluster, "logs")}})
			var readme string
			packed := map[string]bool{}
			for _, f := range files {
				packed[f.Name] = true
				if strings.Contains(string(f.Data), "not for support") {
					t.Errorf("the bundle packs the file outside as %s", f.Name)
				}
				if f.Name == "README.txt" {
					readme = string(f.Data)
				}
			}
			if !strings.Contains(readme, tt.note) {
				t.Errorf("README does not note %q:\n%s", tt.note, readme)
			}
			if !packed["workspace/generated/cluster3-checkpoint.yaml"] {
				t.Errorf("the bundle lacks the workspace's own file; it packs %v", packed)
			}
		})
	}
}
