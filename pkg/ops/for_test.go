package ops

import (
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

// TestRecommendedBackup: the backup to restore is the one status's step
// carries as data, whatever its command's text says.
func TestRecommendedBackup(t *testing.T) {
	tests := []struct {
		name  string
		steps []diagnose.Step
		want  string
	}{
		{"the one status names", []diagnose.Step{{Command: "kubectl eksa-recover restore --from '/my ws/c/b'", Backup: "/my ws/c/b"}}, "/my ws/c/b"},
		{"no backup named", []diagnose.Step{{Command: "kubectl eksa-recover restore --from <your-backup-dir>"}}, ""},
		{"a command's text is never searched", []diagnose.Step{{Command: "kubectl eksa-recover restore --from /ws/c/eksa-recover-backup-x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := recommendedBackup(&diagnose.Report{NextSteps: tt.steps}); got != tt.want {
				t.Errorf("recommendedBackup(%+v) = %q, want %q", tt.steps, got, tt.want)
			}
		})
	}
}

func TestActs(t *testing.T) {
	for s, want := range map[diagnose.State]bool{
		diagnose.StrandedInBootstrap: true, diagnose.SplitMove: true, diagnose.Missing: true, diagnose.PausedAfterFailure: true,
		diagnose.Unknown: false, diagnose.ManagementUnreachable: false, diagnose.BootstrapUnreachable: false,
		diagnose.ValidationFailed: false, diagnose.UpgradeIncomplete: false, diagnose.Healthy: false,
	} {
		if got := Acts(s); got != want {
			t.Errorf("Acts(%s) = %v, want %v", s, got, want)
		}
	}
}
