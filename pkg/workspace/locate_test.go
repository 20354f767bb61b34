package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// eksctlFolder writes what eksctl leaves for cluster c in dir.
func eksctlFolder(t *testing.T, dir, c string) eksa.Layout {
	t.Helper()
	l := eksa.Layout{Workspace: dir, Cluster: c}
	write(t, l.ManagementKubeconfig(), "apiVersion: v1\nkind: Config\n")
	write(t, l.BootstrapKubeconfig(), "apiVersion: v1\nkind: Config\n")
	write(t, l.ClusterSpec(), "kind: Cluster\n")
	return l
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	l := eksctlFolder(t, dir, "cluster3")
	write(t, l.Checkpoint(), "completedTasks:\n  setup-and-validate: {checkpoint: null}\n  update-secrets: {checkpoint: null}\n")
	older := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	newer := older.Add(time.Hour)
	for i, b := range []struct {
		prefix string
		at     time.Time
	}{{eksa.ManagementBackupPrefix, older}, {eksa.BootstrapBackupPrefix, newer}} {
		write(t, filepath.Join(l.BackupDir(b.prefix, b.at), "Machine_eksa-system_m"+string(rune('a'+i))+".yaml"), "{}")
	}
	write(t, filepath.Join(l.Dir(), "cluster-state-backup-notatime", "x.yaml"), "{}")

	w, err := Locate(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if w.ClusterName != "cluster3" || w.ManagementKubeconfig != l.ManagementKubeconfig() || w.BootstrapKubeconfig != l.BootstrapKubeconfig() {
		t.Errorf("Locate() = %s %s %s", w.ClusterName, w.ManagementKubeconfig, w.BootstrapKubeconfig)
	}
	if w.Checkpoint == nil || w.Checkpoint.FailedAt != "ensure-etcd-capi-components-exist" || len(w.Checkpoint.Completed) != 2 {
		t.Errorf("Locate() checkpoint = %+v, want 2 completed and failed at ensure-etcd-capi-components-exist", w.Checkpoint)
	}
	if len(w.Backups) != 2 || w.Backups[0].Source != BackupBootstrap || !w.Backups[0].Time.Equal(newer) || w.Backups[1].Source != BackupManagement {
		t.Errorf("Locate() backups = %+v, want the bootstrap one (newest) then the management one", w.Backups)
	}
	if w.Backups[0].Objects != 1 {
		t.Errorf("backup objects = %d, want 1", w.Backups[0].Objects)
	}
}

func TestLocate_MissingPiecesAreNoted(t *testing.T) {
	dir := t.TempDir()
	l := eksa.Layout{Workspace: dir, Cluster: "c1"}
	write(t, l.ManagementKubeconfig(), "apiVersion: v1\nkind: Config\n")
	w, err := Locate(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if w.BootstrapKubeconfig != "" || w.Checkpoint != nil || len(w.Backups) != 0 {
		t.Errorf("Locate() found pieces that are not there: %+v", w)
	}
	if notes := strings.Join(w.Notes, "\n"); !strings.Contains(notes, "no KinD kubeconfig") || !strings.Contains(notes, "no cluster spec") {
		t.Errorf("Locate() notes = %q, want the KinD kubeconfig and spec noted", notes)
	}
}

func TestLocate_Errors(t *testing.T) {
	empty := t.TempDir()
	two := t.TempDir()
	eksctlFolder(t, two, "alpha")
	eksctlFolder(t, two, "beta")
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{"no folder", Options{Dir: filepath.Join(empty, "nope")}, "is not a folder: pass --workspace"},
		{"nothing there", Options{Dir: empty}, "no eksctl cluster folder in " + empty},
		{"several", Options{Dir: two}, "several clusters in " + two + ": alpha, beta; pass one of them to --cluster-name"},
		{"unknown name", Options{Dir: two, ClusterName: "gamma"}, `no cluster "gamma" in ` + two + ": found alpha, beta"},
		{"missing kubeconfig flag", Options{Dir: two, ClusterName: "alpha", ManagementKubeconfig: filepath.Join(empty, "k")}, "--kubeconfig " + filepath.Join(empty, "k") + ": no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Locate(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Locate(%+v) = %v, want error containing %q", tt.o, err, tt.wantErr)
			}
		})
	}
	if w, err := Locate(Options{Dir: two, ClusterName: "beta"}); err != nil || w.ClusterName != "beta" {
		t.Errorf("Locate(beta) = %v, %v", w, err)
	}
}
