package ops

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// ReadBackup reads a backup folder whole, the one way every operation
// reads one. A folder with a manifest is checked against it (a corrupt or
// truncated one is refused). eksctl's and clusterctl's folders never have
// one: their files are used unchecked, and note says so. A folder named as
// this plugin names its own but without its manifest is refused unless
// force: removing the manifest is how a tampered backup would hide.
func ReadBackup(dir string, force bool, note io.Writer) ([]*unstructured.Unstructured, *backup.Manifest, error) {
	objs, m, err := backup.Read(dir)
	switch {
	case errors.Is(err, backup.ErrNoManifest) && len(objs) == 0:
		return nil, nil, fmt.Errorf("%s holds no object files (clusterctl's <Kind>_<namespace>_<name>.yaml): pass a backup folder to --from", dir)
	case errors.Is(err, backup.ErrNoManifest) && pluginNamed(dir) && force:
		fmt.Fprintf(note, "%s has no manifest, although this plugin wrote it: its files are used unchecked, as --force asks\n", dir)
	case errors.Is(err, backup.ErrNoManifest) && pluginNamed(dir):
		return nil, nil, fmt.Errorf("%s is named as this plugin names its backups but its manifest %s is missing, so its files cannot be checked: "+
			"restore from another backup, or use them unchecked with restore --force", dir, backup.ManifestPath(dir))
	case errors.Is(err, backup.ErrNoManifest):
		fmt.Fprintln(note, backup.UncheckedNote(dir))
	case err != nil:
		return nil, nil, err
	}
	return objs, m, nil
}

// pluginNamed: the folder's name is one this plugin gives its backups.
func pluginNamed(dir string) bool {
	base := filepath.Base(filepath.Clean(dir))
	return strings.HasPrefix(base, eksa.PluginBackupPrefix) || strings.HasPrefix(base, eksa.ResumeBackupPrefix)
}
