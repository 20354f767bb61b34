package move

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkBackupDir refuses, before anything is read or written, a backup
// folder that cannot be created: the move would otherwise plan, then fail
// at its first step with the OS's words and no way out named.
func checkBackupDir(dir string) error {
	if exists(dir) {
		return fmt.Errorf("backup folder %s exists already and a backup is never overwritten: pass another --backup-dir", dir)
	}
	parent := filepath.Dir(dir)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return fmt.Errorf("backup folder %s cannot be created: %s is not a folder; pass --backup-dir inside one you can write to", dir, parent)
	}
	probe, err := os.CreateTemp(parent, ".eksa-recover-write-check-*")
	if err != nil {
		return fmt.Errorf("backup folder %s cannot be created: %s is not writable; pass --backup-dir inside a folder you can write to", dir, parent)
	}
	_ = probe.Close()
	return os.Remove(probe.Name())
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
