package pause

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// TestHistoryOf: only a backup of the plugin's taken before eksctl's
// pre-upgrade backup tells which Clusters were paused before the run.
func TestHistoryOf(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)
	record := &workspace.PauseRecord{Covered: []string{"cluster3", "w01", "w02"}, Paused: []string{"w02"}}
	plugin := func(name string, at time.Time, r *workspace.PauseRecord) workspace.Backup {
		return workspace.Backup{Path: "/ws/cluster3/" + name, Source: workspace.BackupPlugin, Time: at, Pauses: r}
	}
	eksctl := workspace.Backup{Path: "/ws/cluster3/cluster3-backup-x", Source: workspace.BackupCluster, Time: t0}
	before := plugin("eksa-recover-backup-before", t0.Add(-time.Hour), record)
	unrecorded := plugin("eksa-recover-backup-nomanifest", t0.Add(-time.Minute), nil)
	after := plugin("eksa-recover-backup-after", t0.Add(time.Hour), record)

	tests := []struct {
		name      string
		backups   []workspace.Backup // newest first
		wantKnown bool
		wantWhy   string
	}{
		{"a plugin backup before eksctl's", []workspace.Backup{after, eksctl, before}, true, ""},
		{"one without a manifest tells nothing: the older one does", []workspace.Backup{after, eksctl, unrecorded, before}, true, ""},
		{"only after the run: it would record eksctl's pauses", []workspace.Backup{after, eksctl}, false, "cannot tell"},
		{"no eksctl backup: the run's start is unknown", []workspace.Backup{after, before}, false, "no backup eksctl took before the run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := HistoryOf(tt.backups)
			if h.Known != tt.wantKnown || !strings.Contains(h.Why, tt.wantWhy) {
				t.Fatalf("HistoryOf(...) = %+v, want known %v, why containing %q", h, tt.wantKnown, tt.wantWhy)
			}
			if h.Known && (h.Source != before.Path || strings.Join(h.Paused, ",") != "w02" || len(h.Covered) != 3) {
				t.Errorf("HistoryOf(...) = %+v, want %s with w02 paused of 3 Clusters", h, before.Path)
			}
		})
	}
}
