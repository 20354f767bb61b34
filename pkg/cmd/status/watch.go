package status

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/printers"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/watch"
)

// runWatch prints the report, then what changed at each re-read, until
// the state is Healthy (exit 0) or the user stops it (exit 2). With -o
// json it prints one report per line for each change.
func (o *StatusOptions) runWatch(ctx context.Context) error {
	r := o.Resolved
	changed := make(chan struct{}, 1)
	wctx, stopWatches := context.WithCancel(ctx)
	defer stopWatches()
	go watch.Trigger(wctx, "management", r.Management.Config, changed)
	go watch.Trigger(wctx, "bootstrap", r.Bootstrap.Config, changed)

	var prev *diagnose.Report
	err := watch.Loop(ctx, o.Pacing, changed, func(ctx context.Context) (*diagnose.Report, error) {
		return o.inspect(ctx, o.Now())
	}, func(report *diagnose.Report) (bool, error) {
		err := o.printChange(prev, report)
		prev = report
		return report.State == diagnose.Healthy, err
	})
	if errors.Is(err, context.Canceled) {
		state := diagnose.State("not read")
		if prev != nil {
			state = prev.State
		}
		fmt.Fprintf(o.ErrOut, "Stopped watching: %s\n", state)
		return exitcode.NotReady
	}
	return err
}

// printChange prints the first report whole and then, for a person, the
// lines that changed (nothing when nothing did); JSON prints every report
// that differs, one per line; other formats print each changed report.
func (o *StatusOptions) printChange(prev, report *diagnose.Report) error {
	now := o.Now()
	var changes []string
	if prev != nil {
		if changes = watch.Changes(prev, report); len(changes) == 0 {
			return nil
		}
	}
	switch o.format() {
	case "", "wide":
		if prev == nil {
			return o.print(report, now)
		}
		fmt.Fprintf(o.Out, "\n%s  %s\n", now.Format(time.TimeOnly), report.State)
		for _, c := range changes {
			fmt.Fprintf(o.Out, "  %s\n", c)
		}
		if report.State == diagnose.Healthy {
			fmt.Fprintf(o.Out, "Cluster %s: Healthy\n", report.Cluster)
		}
		return nil
	case "json":
		line, err := printers.StatusJSON(report, true)
		if err != nil {
			return err
		}
		_, err = o.Out.Write(line)
		return err
	}
	return o.print(report, now)
}
