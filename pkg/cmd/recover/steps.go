package recover

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/printers"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/unpause"
)

// step is one planned command: what it does in words, the question asked
// before it, and the run of the plan made (the plan confirmed is the plan
// run: run never plans again).
type step struct {
	name     string
	what     []string
	question string
	run      func(context.Context) error
}

func (s *step) lines() []string { return s.what }

// then is the line every plan ends with: what recover does after the step.
const then = "then read both clusters again (status); if status then recommends resume (EKS-A v0.19+ leaves pause markers), clear them as resume does, without asking again"

// plan makes the step status recommends for the state, or nil when the
// plugin has none to run (the verdict says what is left).
func (o *RecoverOptions) plan(ctx context.Context, report *diagnose.Report) (*step, error) {
	switch report.State {
	case diagnose.StrandedInBootstrap, diagnose.SplitMove:
		return o.planMove(ctx)
	case diagnose.Missing:
		return o.planRestore(ctx, report)
	case diagnose.PausedAfterFailure:
		return o.planResume(ctx)
	}
	return nil, nil
}

// actsOn says whether recover has a step of its own for the state.
func actsOn(s diagnose.State) bool {
	switch s {
	case diagnose.StrandedInBootstrap, diagnose.SplitMove, diagnose.Missing, diagnose.PausedAfterFailure:
		return true
	}
	return false
}

// followUp is the resume the plan announced, when the state read after
// the previous step recommends it and it has not run.
func (o *RecoverOptions) followUp(ctx context.Context, done []string, report *diagnose.Report) (*step, error) {
	if report.State != diagnose.PausedAfterFailure || slices.Contains(done, "resume") {
		return nil, nil
	}
	return o.planResume(ctx)
}

func (o *RecoverOptions) planMove(ctx context.Context) (*step, error) {
	r := o.resolved
	boot, mgmt, err := globalflags.ConnectBoth(ctx, r, true)
	if err != nil {
		return nil, err
	}
	dir := backup.FreeDir(eksa.Layout{Workspace: r.Workspace.Dir, Cluster: r.Workspace.ClusterName}, eksa.PluginBackupPrefix, o.Now())
	plan, err := mover.PlanMove(ctx, mover.Options{From: boot, To: mgmt, ClusterName: r.Workspace.ClusterName, BackupDir: dir,
		ToolVersion: buildinfo.Get().Version, Pace: mover.Pace{Progress: o.ErrOut, Now: o.Now}})
	if err != nil {
		return nil, err
	}
	if plan.Empty() {
		return nil, nil
	}
	return &step{
		name: "move",
		what: []string{
			fmt.Sprintf("move: back up the cluster's objects to %s, create the %d objects on the management cluster in the groups above, delete them from KinD", dir, plan.Objects()),
			"verify: the management cluster holds every object of the backup, KinD none",
			then,
		},
		question: fmt.Sprintf("Move %d objects from the bootstrap cluster to the management cluster?", plan.Objects()),
		run: func(ctx context.Context) error {
			if _, err := plan.Run(ctx); err != nil {
				return fmt.Errorf("%w (the backup is in %s)", err, dir)
			}
			objs, _, err := backup.Read(dir)
			if err != nil {
				return err
			}
			v, err := mover.Verify(ctx, boot, mgmt, r.Workspace.ClusterName, objs)
			if err != nil {
				return err
			}
			if err := printers.PrintVerification(o.Out, v, boot.Name, mgmt.Name); err != nil {
				return err
			}
			if !v.OK() {
				return errors.New("the move did not verify")
			}
			return nil
		},
	}, nil
}

// planRestore restores from the backup status's restore step names.
func (o *RecoverOptions) planRestore(ctx context.Context, report *diagnose.Report) (*step, error) {
	from := recommendedBackup(report)
	if from == "" {
		return nil, nil // status names no backup: the verdict says what to do
	}
	objs, manifest, err := backup.Read(from)
	switch {
	case errors.Is(err, backup.ErrNoManifest) && len(objs) == 0:
		return nil, fmt.Errorf("%s holds no object files: restore from another backup with kubectl eksa-recover restore --from", from)
	case errors.Is(err, backup.ErrNoManifest):
		fmt.Fprintln(o.ErrOut, backup.UncheckedNote(from))
	case err != nil:
		return nil, err
	}
	r := o.resolved
	boot, mgmt, err := globalflags.ConnectBoth(ctx, r, false)
	if err != nil {
		return nil, err
	}
	plan, err := mover.PlanRestore(ctx, mover.RestoreOptions{To: mgmt, Bootstrap: boot, ClusterName: r.Workspace.ClusterName,
		Objects: objs, Manifest: manifest, Pace: mover.Pace{Progress: o.ErrOut, Now: o.Now}})
	if err != nil {
		return nil, err
	}
	return &step{
		name: "restore",
		what: []string{
			fmt.Sprintf("restore: create the %d objects of %s on the management cluster, in owner order", plan.Objects, from),
			"verify: the management cluster holds every object of the backup",
			then,
		},
		question: fmt.Sprintf("Restore %d objects from %s to the management cluster?", plan.Objects, from),
		run: func(ctx context.Context) error {
			res, err := plan.Run(ctx)
			if err != nil {
				return err
			}
			v, err := mover.VerifyRestore(ctx, mgmt, objs)
			if err != nil {
				return err
			}
			if err := printers.PrintRestore(o.Out, from, res, v); err != nil {
				return err
			}
			if !v.OK() {
				return errors.New("the restore did not verify")
			}
			return nil
		},
	}, nil
}

// recommendedBackup is the backup in status's restore step, "" when it
// names none.
func recommendedBackup(report *diagnose.Report) string {
	best := ""
	for _, s := range report.NextSteps {
		if !strings.Contains(s.Command, " restore --from ") {
			continue
		}
		for _, b := range report.Backups {
			if strings.Contains(s.Command, b.Path) && len(b.Path) > len(best) {
				best = b.Path
			}
		}
	}
	return best
}

func (o *RecoverOptions) planResume(ctx context.Context) (*step, error) {
	r := o.resolved
	snap := reader.Read(ctx, r.Management, r.Bootstrap, reader.Options{Timeout: r.Timeout, Now: o.Now()})
	plan, err := pause.Plan(pause.Input{Snapshot: snap, ClusterName: r.Workspace.ClusterName, Plugin: globalflags.PluginCommand(o.Global, r.Workspace)})
	if err != nil {
		return nil, err
	}
	plan.Describe(o.ErrOut)
	if plan.Empty() {
		return nil, nil
	}
	dir := backup.FreeDir(eksa.Layout{Workspace: r.Workspace.Dir, Cluster: r.Workspace.ClusterName}, eksa.ResumeBackupPrefix, o.Now())
	return &step{
		name: "resume",
		what: []string{
			fmt.Sprintf("resume: back up the %d objects to %s, clear the %d pause markers listed above on the management cluster, read them back", len(plan.Objects), dir, plan.Count()),
			"then read both clusters again (status)",
		},
		question: fmt.Sprintf("Clear %d pause markers on %d objects of the management cluster?", plan.Count(), len(plan.Objects)),
		run: func(ctx context.Context) error {
			target, err := kube.Connect(ctx, "management", r.Management.Config)
			if err != nil {
				return err
			}
			res, err := unpause.Apply(ctx, target, plan, unpause.Options{BackupDir: dir, ToolVersion: buildinfo.Get().Version, Now: o.Now(), Progress: o.ErrOut})
			if res != nil {
				for _, line := range res.Resumed {
					fmt.Fprintln(o.Out, line)
				}
			}
			return err
		},
	}, nil
}
