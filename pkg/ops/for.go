package ops

import (
	"context"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Acts says whether an operation of the plugin's own answers the state.
func Acts(s diagnose.State) bool {
	switch s {
	case diagnose.StrandedInBootstrap, diagnose.SplitMove, diagnose.Missing, diagnose.PausedAfterFailure:
		return true
	}
	return false
}

// For plans the operation status recommends for the report's state (snap
// is what the report was diagnosed from), or returns nil when the plugin
// has none to run (the state's next steps say what is left). A restore restores from the backup status's step names,
// read as data on the report. On EKS-A releases that leave pause markers
// for resume, a move's or a restore's rights check takes in the resume
// recover runs after it without asking again, over the markers snap holds.
func For(ctx context.Context, e Env, snap *snapshot.Snapshot, report *diagnose.Report) (*Plan, error) {
	var resumes []pause.Marker
	if diagnose.EKSAPauseBlocks(report.EKSAVersion) {
		resumes = pause.Find(&snap.Management)
	}
	switch report.State {
	case diagnose.StrandedInBootstrap, diagnose.SplitMove:
		return Move(ctx, e, MoveOptions{ThenResume: resumes})
	case diagnose.Missing:
		from := recommendedBackup(report)
		if from == "" {
			return nil, nil // status names no backup: the verdict says what to do
		}
		return Restore(ctx, e, RestoreOptions{From: from, ThenResume: resumes})
	case diagnose.PausedAfterFailure:
		return Resume(ctx, e, ResumeOptions{})
	}
	return nil, nil
}

// recommendedBackup is the backup status's restore step names, "" when
// it names none.
func recommendedBackup(report *diagnose.Report) string {
	for _, s := range report.NextSteps {
		if s.Backup != "" {
			return s.Backup
		}
	}
	return ""
}
