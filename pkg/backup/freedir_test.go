package backup

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestFreeDir: two runs within one second get two folders, never the same.
func TestFreeDir(t *testing.T) {
	l := eksa.Layout{Workspace: t.TempDir(), Cluster: "c1"}
	at := time.Date(2026, 11, 27, 22, 0, 0, 400e6, time.UTC)
	first := FreeDir(l, eksa.PluginBackupPrefix, at)
	if want := l.BackupDir(eksa.PluginBackupPrefix, at); first != want {
		t.Fatalf("FreeDir = %s, want %s", first, want)
	}
	if err := os.MkdirAll(first, 0o700); err != nil {
		t.Fatal(err)
	}
	second := FreeDir(l, eksa.PluginBackupPrefix, at.Add(300*time.Millisecond))
	if want := l.BackupDir(eksa.PluginBackupPrefix, at.Add(time.Second)); second != want {
		t.Errorf("FreeDir in the same second = %s, want the next second's %s", filepath.Base(second), filepath.Base(want))
	}
}

// TestFreeDir_TakenByALink: a dangling symlink at a folder's name, or a
// manifest left at its manifest's, takes the name: the next second's is
// free, and Write would refuse the taken one.
func TestFreeDir_TakenByALink(t *testing.T) {
	l := eksa.Layout{Workspace: t.TempDir(), Cluster: "c1"}
	at := time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC)
	if err := os.MkdirAll(l.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(t.TempDir(), "gone"), l.BackupDir(eksa.PluginBackupPrefix, at)); err != nil {
		t.Fatal(err)
	}
	next := at.Add(time.Second)
	if err := os.WriteFile(ManifestPath(l.BackupDir(eksa.PluginBackupPrefix, next)), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := FreeDir(l, eksa.PluginBackupPrefix, at), l.BackupDir(eksa.PluginBackupPrefix, at.Add(2*time.Second)); got != want {
		t.Errorf("FreeDir = %s, want %s", filepath.Base(got), filepath.Base(want))
	}
}
