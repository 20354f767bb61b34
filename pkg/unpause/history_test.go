package unpause

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

func capiCluster(name string, paused bool) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": "eksa-system"}}}
	if paused {
		u.Object["spec"] = map[string]any{"paused": true}
	}
	return u
}

// TestHistory: only a backup of the plugin's taken before eksctl's
// pre-upgrade backup tells which Clusters were paused before the run.
func TestHistory(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	plugin := func(name string, at time.Time) workspace.Backup {
		path := filepath.Join(dir, name)
		if _, err := backup.Write(path, "cluster3", "test", at, backup.Set{Source: "management",
			Objects: []*unstructured.Unstructured{capiCluster("cluster3", false), capiCluster("w01", false), capiCluster("w02", true)}}); err != nil {
			t.Fatal(err)
		}
		return workspace.Backup{Path: path, Source: workspace.BackupPlugin, Time: at}
	}
	eksctl := workspace.Backup{Path: filepath.Join(dir, "cluster3-backup-x"), Source: workspace.BackupCluster, Time: t0}
	before := plugin("eksa-recover-backup-before", t0.Add(-time.Hour))
	after := plugin("eksa-recover-backup-after", t0.Add(time.Hour))

	tests := []struct {
		name      string
		backups   []workspace.Backup // newest first
		wantKnown bool
		wantWhy   string
	}{
		{"a plugin backup before eksctl's", []workspace.Backup{after, eksctl, before}, true, ""},
		{"only after the run: it would record eksctl's pauses", []workspace.Backup{after, eksctl}, false, "cannot tell"},
		{"no eksctl backup: the run's start is unknown", []workspace.Backup{after, before}, false, "no backup eksctl took before the run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := History(tt.backups)
			if h.Known != tt.wantKnown || !strings.Contains(h.Why, tt.wantWhy) {
				t.Fatalf("History(...) = %+v, want known %v, why containing %q", h, tt.wantKnown, tt.wantWhy)
			}
			if h.Known && (h.Source != before.Path || strings.Join(h.Paused, ",") != "w02" || len(h.Covered) != 3) {
				t.Errorf("History(...) = %+v, want %s with w02 paused of 3 Clusters", h, before.Path)
			}
		})
	}
}
