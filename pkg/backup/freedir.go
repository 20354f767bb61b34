package backup

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// FreeDir is the backup folder named by prefix and at, or by the first
// later second whose folder does not exist yet: names have a second's
// resolution, and a rerun within the same second (a script retrying, a
// recover rerun right after a killed one) would otherwise find its
// predecessor's folder and fail with "file exists".
func FreeDir(l eksa.Layout, prefix string, at time.Time) string {
	for {
		dir := l.BackupDir(prefix, at)
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return dir
		}
		at = at.Add(time.Second)
	}
}
