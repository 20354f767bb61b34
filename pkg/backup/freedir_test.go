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
