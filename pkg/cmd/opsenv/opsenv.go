// Package opsenv is what every writing command (move, restore, resume,
// recover) shares around the operation it runs: its flags (--dry-run,
// --yes), the ops.Env it plans in, connected the same way (bounded by
// --request-timeout, a refusal naming the flag that fixes it), and the
// steps after a plan is shown: stop for a dry run, ask, run, print what
// was done. Its Connect, the one way to a writable cluster, also serves
// backup and verify, which use the mover's clients. It never plans nor
// writes itself: pkg/ops does.
package opsenv

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/confirm"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
)

// Options are the settings every writing command shares; its own Options
// embed them.
type Options struct {
	cmdutil.CommandOptions
	DryRun bool
	Yes    bool
	// Now stamps the reads and the backup folder (time.Now; tests swap it).
	Now func() time.Time
}

// NewOptions returns Options with their defaults.
func NewOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) Options {
	return Options{CommandOptions: cmdutil.NewCommandOptions(g, streams), Now: time.Now}
}

// AddFlags registers --dry-run, with what the command's dry run shows,
// and --yes.
func (o *Options) AddFlags(f *pflag.FlagSet, dryRunUsage string) {
	f.BoolVar(&o.DryRun, "dry-run", false, dryRunUsage)
	confirm.AddYesFlag(f, &o.Yes)
}

// Env is the ops.Env for the resolved clusters; progress goes to ErrOut.
// Under --dry-run, rights the plan lacks are reported, not refused.
func (o *Options) Env() ops.Env {
	r := o.Resolved
	return ops.Env{
		Workspace: r.Workspace, Management: r.Management, Bootstrap: r.Bootstrap, Timeout: r.Timeout,
		Connect: func(ctx context.Context, src reader.Source) (*writable.Cluster, error) {
			return Connect(ctx, src, r.Timeout)
		},
		Plugin:      cmdutil.PluginCommand(o.Global, r.Workspace),
		ToolVersion: buildinfo.Get().Version,
		Now:         o.Now,
		Progress:    o.ErrOut,
		DryRun:      o.DryRun,
	}
}

// Proceed is the step between a plan shown and its run. A dry run stops
// there, saying so (false, nil). Otherwise, when ask, question is asked
// unless --yes answers it; writes is what a refusal for want of a
// terminal names. It is asked before anything is written: a declined
// run, or one without a terminal and --yes, leaves nothing behind, not
// even a backup folder.
func (o *Options) Proceed(question, writes string, ask bool) (bool, error) {
	if o.DryRun {
		fmt.Fprintln(o.ErrOut, "Dry run: nothing was changed")
		return false, nil
	}
	if !ask {
		return true, nil
	}
	if err := confirm.Confirm(o.IOStreams, o.Yes, question, writes); err != nil {
		return false, err
	}
	return true, nil
}

// Apply takes a plan the engine made and showed on ErrOut through to its
// end: Proceed (with the plan's question, when it asks one), Run, and
// what was done printed on Out, even when it stopped part way. The
// outcome is the command's: its error, or exitcode.NotReady when the
// verification found the clusters otherwise.
func (o *Options) Apply(ctx context.Context, plan *ops.Plan, writes string) error {
	if ok, err := o.Proceed(plan.Question, writes, plan.Ask); !ok || err != nil {
		return err
	}
	res, err := plan.Run(ctx)
	return report(o.Out, res, err)
}

// report prints what an operation's Run did and turns the outcome into
// the command's.
func report(w io.Writer, res *ops.Result, err error) error {
	if res != nil {
		if perr := res.Print(w); perr != nil && err == nil {
			err = perr
		}
	}
	switch {
	case err != nil:
		return err
	case res != nil && !res.OK():
		return exitcode.NotReady
	}
	return nil
}
