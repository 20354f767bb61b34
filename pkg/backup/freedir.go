package backup

import (
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// FreeDir is the backup folder named by prefix and at, or by the first
// later second whose folder does not exist yet: names have a second's
// resolution, and a rerun within the same second (a script retrying, a
// recover rerun right after a killed one) would otherwise find its
// predecessor's folder and fail with "file exists". A name is taken by
// anything at the folder's path or its manifest's, a symlink included
// (Write would refuse it).
func FreeDir(l eksa.Layout, prefix string, at time.Time) string {
	for {
		if dir := l.BackupDir(prefix, at); CheckNew(dir) == nil {
			return dir
		}
		at = at.Add(time.Second)
	}
}
