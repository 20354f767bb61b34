package recover

import (
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

func TestRecommendedBackup(t *testing.T) {
	backups := []diagnose.BackupReport{{Path: "/ws/c/cluster-state-backup-2026-11-27T19_02_34"}, {Path: "/ws/c/eksa-recover-backup-2026-11-27T19_02_34"},
		{Path: "/my ws/c/c-backup-2026-11-27T19_02_34"}}
	tests := []struct {
		name  string
		steps []string
		want  string
	}{
		{"the one status names", []string{"kubectl eksa-recover restore --from /ws/c/eksa-recover-backup-2026-11-27T19_02_34"}, "/ws/c/eksa-recover-backup-2026-11-27T19_02_34"},
		{"quoted", []string{"kubectl eksa-recover restore --from '/my ws/c/c-backup-2026-11-27T19_02_34'"}, "/my ws/c/c-backup-2026-11-27T19_02_34"},
		{"no backup named", []string{"kubectl eksa-recover restore --from <your-backup-dir>"}, ""},
		{"not a restore step", []string{"kubectl eksa-recover move /ws/c/cluster-state-backup-2026-11-27T19_02_34"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &diagnose.Report{Backups: backups}
			for _, c := range tt.steps {
				r.NextSteps = append(r.NextSteps, diagnose.Step{Command: c})
			}
			if got := recommendedBackup(r); got != tt.want {
				t.Errorf("recommendedBackup(%q) = %q, want %q", tt.steps, got, tt.want)
			}
		})
	}
}

func TestActsOn(t *testing.T) {
	for s, want := range map[diagnose.State]bool{
		diagnose.StrandedInBootstrap: true, diagnose.SplitMove: true, diagnose.Missing: true, diagnose.PausedAfterFailure: true,
		diagnose.Unknown: false, diagnose.ManagementUnreachable: false, diagnose.BootstrapUnreachable: false,
		diagnose.ValidationFailed: false, diagnose.UpgradeIncomplete: false, diagnose.Healthy: false,
	} {
		if got := actsOn(s); got != want {
			t.Errorf("actsOn(%s) = %v, want %v", s, got, want)
		}
	}
}
