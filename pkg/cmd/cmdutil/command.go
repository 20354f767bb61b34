package cmdutil

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// CommandOptions are what every command's Options start from: the flags
// every command shares, the workspace and clusters they resolve to, and
// the streams. A command's Complete calls Complete first.
type CommandOptions struct {
	Global *Global
	// Resolved is the located workspace and both clusters' sources, set
	// by Complete.
	Resolved *Resolved
	genericiooptions.IOStreams
}

// NewCommandOptions returns CommandOptions for the root's flags g.
func NewCommandOptions(g *Global, streams genericiooptions.IOStreams) CommandOptions {
	return CommandOptions{Global: g, IOStreams: streams}
}

// Complete locates the workspace and loads the kubeconfigs (Resolve).
func (o *CommandOptions) Complete() error {
	r, err := Resolve(o.Global)
	if err != nil {
		return err
	}
	o.Resolved = r
	return nil
}

// Runner is a command's Options in kubectl's shape.
type Runner interface {
	// Complete fills what the flags leave out (the resolved clusters first).
	Complete() error
	// Validate refuses bad input before anything is read.
	Validate() error
	// Run does the command's work.
	Run(ctx context.Context) error
}

// RunE is a command's cobra RunE: Complete, Validate and Run, as kubectl
// calls them, stopping at the first error.
func RunE(o Runner) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := o.Complete(); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		return o.Run(cmd.Context())
	}
}
