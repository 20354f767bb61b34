// Package version holds the `kubectl eksa-recover version` command.
package version

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
)

var versionExample = `  # Print the version of the plugin
  kubectl eksa-recover version

  # Print the build information as JSON
  kubectl eksa-recover version -o json`

// VersionOptions holds the settings of the version command.
type VersionOptions struct {
	genericiooptions.IOStreams

	// Output is empty (one line of text), "json" or "yaml".
	Output string
}

// NewVersionOptions returns VersionOptions with their defaults.
func NewVersionOptions(streams genericiooptions.IOStreams) *VersionOptions {
	return &VersionOptions{IOStreams: streams}
}

// NewCmdVersion returns the version command.
func NewCmdVersion(streams genericiooptions.IOStreams) *cobra.Command {
	o := NewVersionOptions(streams)
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version of kubectl eksa-recover",
		Example: versionExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", o.Output, "Output format. One of: json, yaml")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete fills in fields not set by flags. The version command has none.
func (o *VersionOptions) Complete(_ *cobra.Command, _ []string) error {
	return nil
}

// Validate checks the options.
func (o *VersionOptions) Validate() error {
	switch o.Output {
	case "", "json", "yaml":
		return nil
	default:
		return fmt.Errorf("--output must be one of: json, yaml (got %q)", o.Output)
	}
}

// Run prints the version.
func (o *VersionOptions) Run() error {
	info := buildinfo.Get()
	switch o.Output {
	case "json":
		b, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding version as json: %w", err)
		}
		_, err = fmt.Fprintf(o.Out, "%s\n", b)
		return err
	case "yaml":
		b, err := yaml.Marshal(info)
		if err != nil {
			return fmt.Errorf("encoding version as yaml: %w", err)
		}
		_, err = o.Out.Write(b)
		return err
	default:
		_, err := fmt.Fprintf(o.Out, "kubectl-eksa_recover version: %s, commit: %s, built: %s, go: %s, platform: %s\n",
			info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
		return err
	}
}
