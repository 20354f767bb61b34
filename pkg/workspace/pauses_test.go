package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestFindBackups_PauseRecord: what package backup writes in a manifest
// is what the workspace reads back as the pause record, from a manifest
// recording every Cluster on management and from an older one recording
// only the Clusters among its objects; eksctl's folders have none.
func TestFindBackups_PauseRecord(t *testing.T) {
	l := eksa.Layout{Workspace: t.TempDir(), Cluster: "cluster3"}
	at := time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	cluster := func(name string, paused bool) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
			"metadata": map[string]any{"name": name, "namespace": "eksa-system"}, "spec": map[string]any{"paused": paused}}}
	}
	if err := os.MkdirAll(l.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	set := backup.Set{Source: "management", Objects: []*unstructured.Unstructured{cluster("cluster3", false)}}
	recorded := l.BackupDir(eksa.PluginBackupPrefix, at)
	if _, err := backup.WriteRecording(recorded, "cluster3", "test", at,
		[]backup.ClusterPause{{Name: "cluster3"}, {Name: "w01"}, {Name: "w02", Paused: true}}, set); err != nil {
		t.Fatal(err)
	}
	older := l.BackupDir(eksa.PluginBackupPrefix, at.Add(-time.Hour))
	if _, err := backup.Write(older, "cluster3", "test", at.Add(-time.Hour), backup.Set{Source: "management",
		Objects: []*unstructured.Unstructured{cluster("cluster3", false), cluster("w01", true)}}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(l.BackupDir(eksa.ClusterBackupPrefix("cluster3"), at), "Cluster_eksa-system_cluster3.yaml"), "kind: Cluster\n")

	got := map[string]string{}
	for _, b := range findBackups(l) {
		got[filepath.Base(b.Path)] = "none"
		if b.Pauses != nil {
			got[filepath.Base(b.Path)] = fmt.Sprintf("covered %v, paused %v", b.Pauses.Covered, b.Pauses.Paused)
		}
	}
	want := map[string]string{
		filepath.Base(recorded):                               "covered [cluster3 w01 w02], paused [w02]",
		filepath.Base(older):                                  "covered [cluster3 w01], paused [w01]",
		"cluster3-backup-" + at.Format(eksa.BackupTimeFormat): "none",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findBackups(...) pause records = %+v, want %+v", got, want)
	}
}
