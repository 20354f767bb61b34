// Package recovery is `kubectl eksa-recover recover`: a loop over the
// operation status recommends (ops.For: move, restore, resume), planned
// first, confirmed once, run with a verification after each write, and
// status's verdict at the end. It plans nothing itself, so it cannot
// differ from the commands, and keeps no memory: a rerun starts from what
// the clusters and backups show.
package recovery

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/inspect"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

var (
	recoverLong = `Do what status recommends among the plugin's own steps, after one
confirmation of the whole plan: move the cluster's Cluster API objects home
from KinD (StrandedInBootstrap, SplitMove), restore them from the backup
status names (Missing), or clear the pause markers a failed run left
(PausedAfterFailure); verify after each write; then print status's verdict
and the one command left to you (the eksctl rerun, or nothing).

It prints the plan first (each step, what it writes, where the backup goes;
--dry-run stops there) and asks once; without a terminal it needs --yes. It
stops at the first step that fails, saying what was done and what is left;
rerun it to continue from the state it then finds. On Unknown,
ManagementUnreachable and BootstrapUnreachable it changes nothing and says why.

Exit codes: 0 when nothing is left for the plugin to do, 2 when it could not
act (the state says why) or a verification failed, 1 on bad input or a
failed step.`

	recoverExample = `  # See the plan, change nothing
  kubectl eksa-recover recover --dry-run

  # In a script
  kubectl eksa-recover recover --yes`
)

// RecoverOptions are recover's settings.
type RecoverOptions struct {
	opsenv.Options
	Getenv func(string) string
}

// NewRecoverOptions returns RecoverOptions with their defaults.
func NewRecoverOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *RecoverOptions {
	return &RecoverOptions{Options: opsenv.NewOptions(g, streams), Getenv: os.Getenv}
}

// NewCmdRecover returns the recover command.
func NewCmdRecover(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewRecoverOptions(g, streams)
	cmd := &cobra.Command{
		Use:     "recover",
		Short:   "Run the recovery status recommends (move, restore, resume), after one confirmation",
		Long:    recoverLong,
		Example: recoverExample,
		Args:    cobra.NoArgs,
		RunE:    cmdutil.RunE(o),
	}
	o.AddFlags(cmd.Flags(), "Print the plan and change nothing")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *RecoverOptions) Complete() error { return o.Options.Complete() }

// Validate has nothing to check before the clusters are read.
func (o *RecoverOptions) Validate() error { return nil }

// Run reads the state, plans the operation it calls for, asks once, runs
// it, verifies, and reads the state again; the resume the new state calls
// for (after a move or a restore), which the plan announced, runs without
// a second question.
func (o *RecoverOptions) Run(ctx context.Context) error {
	env := o.Env()
	snap, report, err := o.inspect(ctx)
	if err != nil {
		return err
	}
	if ops.Acts(report.State) {
		fmt.Fprintf(o.ErrOut, "Cluster %s: %s; planning what status recommends\n", report.Cluster, report.State)
	}
	plan, err := ops.For(ctx, env, snap, report)
	if err != nil {
		return err
	}
	if plan == nil {
		return o.verdict(report, nil)
	}
	fmt.Fprintf(o.ErrOut, "Plan for %s (%s):\n", report.Cluster, report.State)
	for i, line := range append(plan.Lines, closing(plan)) {
		fmt.Fprintf(o.ErrOut, "  %d. %s\n", i+1, line)
	}
	// One question for the whole plan, even when its first step alone
	// would not ask (a restore of objects all already there).
	if ok, err := o.Proceed(plan.Question, "recover writes to the clusters", true); !ok || err != nil {
		return err
	}
	done := []string{}
	for plan != nil {
		res, err := plan.Run(ctx)
		if err == nil && res != nil && !res.OK() {
			err = fmt.Errorf("the %s did not verify", plan.Name)
		}
		if res != nil {
			if perr := res.Print(o.Out); perr != nil && err == nil {
				err = perr
			}
		}
		if err != nil {
			return o.stopped(done, plan.Name, err)
		}
		done = append(done, plan.Name)
		if _, report, err = o.inspect(ctx); err != nil {
			return err
		}
		if plan, err = o.followUp(ctx, env, done, report); err != nil {
			return o.stopped(done, "the next step", err)
		}
	}
	return o.verdict(report, done)
}

// closing is the line every plan ends with: what recover does after it.
func closing(p *ops.Plan) string {
	if p.Name == "resume" {
		return "then read both clusters again (status)"
	}
	return "then read both clusters again (status); if status then recommends resume (EKS-A v0.19+ leaves pause markers), clear them as resume does, without asking again"
}

// followUp is the resume the plan announced, when the state read after
// the previous operation recommends it and it has not run.
func (o *RecoverOptions) followUp(ctx context.Context, env ops.Env, done []string, report *diagnose.Report) (*ops.Plan, error) {
	if report.State != diagnose.PausedAfterFailure || slices.Contains(done, "resume") {
		return nil, nil
	}
	return ops.Resume(ctx, env, ops.ResumeOptions{})
}

func (o *RecoverOptions) inspect(ctx context.Context) (*snapshot.Snapshot, *diagnose.Report, error) {
	return inspect.Inspect(ctx, o.InspectOptions(o.Now(), o.Getenv))
}

// stopped says what was done, what failed and that a rerun continues.
func (o *RecoverOptions) stopped(done []string, failed string, err error) error {
	what := "nothing"
	if len(done) > 0 {
		what = fmt.Sprint(done)
	}
	return fmt.Errorf("%s failed: %w; done before it: %s; rerun kubectl eksa-recover recover to continue from the state it finds", failed, err, what)
}

// verdict prints status's state, why, and the one command left.
func (o *RecoverOptions) verdict(report *diagnose.Report, done []string) error {
	if len(done) > 0 {
		fmt.Fprintf(o.Out, "Done: %v\n", done)
	}
	fmt.Fprintf(o.Out, "Cluster %s: %s\n%s\n", report.Cluster, report.State, report.Summary)
	switch report.State {
	case diagnose.Unknown, diagnose.ManagementUnreachable, diagnose.BootstrapUnreachable:
		fmt.Fprintln(o.Out, "Nothing was changed: recover acts only on a state it can read whole")
		for _, r := range report.Reasons {
			fmt.Fprintf(o.Out, "  %s\n", r)
		}
		o.printNext(report)
		return exitcode.NotReady
	}
	o.printNext(report)
	return nil
}

func (o *RecoverOptions) printNext(report *diagnose.Report) {
	if len(report.NextSteps) == 0 {
		fmt.Fprintln(o.Out, "Nothing left to do")
		return
	}
	s := report.NextSteps[0]
	fmt.Fprintf(o.Out, "Next: %s\n  %s\n", s.Command, s.Why)
}
