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

// TestLeavesMarkers: from EKS-A v0.19, which refuses to upgrade a paused
// cluster, a failed upgrade's pause markers are resume's to clear; before
// it, eksctl's rerun clears its own. Unknown counts as v0.19+.
func TestLeavesMarkers(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.16.5": false, "v0.18.9": false, "v0.19.0": true, "v0.19.8": true, "v0.24.0": true, "v1.0.0": true, "": true, "dev": true,
	} {
		if got := leavesMarkers(v); got != want {
			t.Errorf("leavesMarkers(%q) = %v, want %v", v, got, want)
		}
	}
}
