// Package opsenv builds, from the resolved global flags, the ops.Env every
// writing command (move, restore, resume, recover) runs its operation in,
// so that they connect the same way: bounded by --request-timeout, a
// refusal naming the flag that fixes it. It never plans nor writes.
package opsenv

import (
	"context"
	"io"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/globalflags"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
)

// New is the Env for the resolved clusters; progress goes to streams.ErrOut.
func New(g *globalflags.Global, r *globalflags.Resolved, now func() time.Time, streams genericiooptions.IOStreams) ops.Env {
	return ops.Env{
		Workspace: r.Workspace, Management: r.Management, Bootstrap: r.Bootstrap, Timeout: r.Timeout,
		Connect: func(ctx context.Context, src reader.Source) (*kube.Cluster, error) {
			return globalflags.Connect(ctx, src, r.Timeout)
		},
		Plugin:      globalflags.PluginCommand(g, r.Workspace),
		ToolVersion: buildinfo.Get().Version,
		Now:         now,
		Progress:    streams.ErrOut,
	}
}

// Report prints what an operation's Run did, even when it stopped part
// way, and turns the outcome into the command's: its error, or
// exitcode.NotReady when the verification found the clusters otherwise.
func Report(w io.Writer, res *ops.Result, err error) error {
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
