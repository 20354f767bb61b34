package ops

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestReadBackup_MissingManifest: eksctl's folders, which never have a
// manifest, are read with a note; a folder named as the plugin names its
// own is refused without its manifest, in one line naming --force, and
// read with a note with --force.
func TestReadBackup_MissingManifest(t *testing.T) {
	root := t.TempDir()
	folder := func(name string) string {
		dir := filepath.Join(root, name)
		obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
			"metadata": map[string]any{"name": "cluster3", "namespace": "eksa-system"}}}
		if _, err := backup.Write(dir, "cluster3", "test", time.Now(), backup.Set{Source: "management", Objects: []*unstructured.Unstructured{obj}}); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(backup.ManifestPath(dir)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	eksctl := folder(eksa.ClusterBackupPrefix("cluster3") + "2026-11-27T19_02_34")
	plugin := folder(eksa.PluginBackupPrefix + "2026-11-27T19_02_34")
	resume := folder(eksa.ResumeBackupPrefix + "2026-11-27T19_02_34")
	tests := []struct {
		name    string
		dir     string
		force   bool
		wantErr string
		wantSay string
	}{
		{"eksctl's", eksctl, false, "", "has no manifest (written by eksctl)"},
		{"the plugin's", plugin, false, "or use them unchecked with restore --force", ""},
		{"resume's", resume, false, "or use them unchecked with restore --force", ""},
		{"the plugin's, forced", plugin, true, "", "its files are used unchecked, as --force asks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var note bytes.Buffer
			objs, _, err := ReadBackup(tt.dir, tt.force, &note)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") || objs != nil {
					t.Errorf("ReadBackup(%s) = %d objects, %v; want one line containing %q", tt.dir, len(objs), err, tt.wantErr)
				}
			case err != nil || len(objs) != 1 || !strings.Contains(note.String(), tt.wantSay):
				t.Errorf("ReadBackup(%s) = %d objects, %v, note %q; want 1 object and a note containing %q", tt.dir, len(objs), err, note.String(), tt.wantSay)
			}
		})
	}
}
