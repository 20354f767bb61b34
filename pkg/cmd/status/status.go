// Package status is `kubectl eksa-recover status`: where the cluster's CAPI
// objects are, why, and the exact next command.
package status

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/inspect"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/printers"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/watch"
)

var (
	statusLong = `Show where an EKS Anywhere cluster's Cluster API objects are after a failed
or interrupted eksctl run, why, and the exact next command.

Run it in the folder eksctl ran in (or pass --workspace). It reads the
management cluster and the KinD bootstrap cluster that eksctl left behind,
and never changes anything in either.

On vSphere, with EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD set (as
for eksctl), it also checks every Machine against its VM in vCenter: VMs
missing, powered off or suspended, and VMs of the cluster no Machine points
to. The server and thumbprint come from the cluster's VSphereDatacenterConfig
(or VSphereCluster).

With --watch (-w) it keeps watching both clusters after the report and
prints what changes (the state, the machines, the findings) until the
cluster is Healthy; -o json prints one report per line for each change.

Exit codes: 0 when the cluster is Healthy, 2 for every other state (with
--watch: when stopped before Healthy), 1 when the input is wrong (the
message names the fix).`

	statusExample = `  # In the folder where eksctl anywhere upgrade cluster failed
  kubectl eksa-recover status

  # Elsewhere, for one cluster, as JSON
  kubectl eksa-recover status --workspace ~/eksa --cluster-name cluster3 -o json

  # Just the state
  kubectl eksa-recover status -o jsonpath='{.state}'

  # Without asking vCenter
  kubectl eksa-recover status --vsphere=false

  # Until the controllers have finished: what changes, as it changes
  kubectl eksa-recover status --watch`
)

// StatusOptions are status's settings.
type StatusOptions struct {
	cmdutil.CommandOptions
	PrintFlags  *genericclioptions.PrintFlags
	EKSAVersion string
	Now         func() time.Time
	// Watch re-reads on change until Healthy (--watch); Pacing bounds it.
	Watch  bool
	Pacing watch.Pacing

	// VSphere checks the Machines' VMs in vCenter when credentials are set.
	VSphere bool
	// VSphereExplicit: a --vsphere* flag was given, so a failed check is an
	// error; turned on by itself it is a warning and the verdict stands.
	VSphereExplicit bool
	// VSphereInsecure skips vCenter's certificate verification: only
	// ever when the user passes the flag.
	VSphereInsecure bool
	// VSphereThumbprint overrides the thumbprint the cluster's objects give.
	VSphereThumbprint string
	// Getenv reads the vCenter credentials (os.Getenv; tests swap it).
	Getenv func(string) string
}

// NewStatusOptions returns StatusOptions with their defaults.
func NewStatusOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *StatusOptions {
	return &StatusOptions{
		CommandOptions: cmdutil.NewCommandOptions(g, streams),
		PrintFlags:     genericclioptions.NewPrintFlags("").WithTypeSetter(nil),
		Now:            time.Now,
		Pacing:         watch.DefaultPacing,
		VSphere:        true,
		Getenv:         os.Getenv,
	}
}

// NewCmdStatus returns the status command.
func NewCmdStatus(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewStatusOptions(g, streams)
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "Show where the cluster's Cluster API objects are and the next command",
		Long:    statusLong,
		Example: statusExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			o.VSphereExplicit = f.Changed("vsphere") || f.Changed("vsphere-thumbprint") || f.Changed("vsphere-insecure")
			return cmdutil.RunE(o)(cmd, args)
		},
	}
	o.PrintFlags.AddFlags(cmd)
	cmd.Flags().Lookup("output").Usage = "Output format. One of: (wide, json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file, go-template, go-template-file, template, templatefile)."
	cmd.Flags().BoolVarP(&o.Watch, "watch", "w", false,
		"After the report, watch both clusters and print what changes until the cluster is Healthy (exit 0) or you stop it (exit 2); with -o json, one report per line")
	cmd.Flags().StringVar(&o.EKSAVersion, "eksa-version", "",
		"EKS-A version the cluster runs (default: read from the management cluster), e.g. v0.16.5")
	cmd.Flags().BoolVar(&o.VSphere, "vsphere", o.VSphere,
		"Check the Machines' VMs in vCenter (when EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD are set)")
	cmd.Flags().BoolVar(&o.VSphereInsecure, "vsphere-insecure", false,
		"Do not verify vCenter's certificate (default: trust it through the system's CAs or the cluster's thumbprint)")
	cmd.Flags().StringVar(&o.VSphereThumbprint, "vsphere-thumbprint", "",
		"SHA-1 thumbprint of vCenter's certificate (default: the VSphereDatacenterConfig's spec.thumbprint)")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *StatusOptions) Complete() error { return o.CommandOptions.Complete() }

// Validate checks the flags before anything is read, the same for every
// output: text and wide are printed by printers.PrintStatus, every other
// format by the PrintFlags' printer, which must exist.
func (o *StatusOptions) Validate() error {
	if v := o.EKSAVersion; v != "" && (v[0] != 'v' || !isSemver(v)) {
		return fmt.Errorf("--eksa-version %q: write it as eksctl prints it, e.g. v0.16.5", o.EKSAVersion)
	}
	if o.format() == "" || o.format() == "wide" {
		return nil
	}
	_, err := o.PrintFlags.ToPrinter()
	return err
}

// Run reads both clusters, diagnoses and prints; the exit code carries the state.
func (o *StatusOptions) Run(ctx context.Context) error {
	if o.Watch {
		return o.runWatch(ctx)
	}
	now := o.Now()
	report, err := o.inspect(ctx, now)
	if err != nil {
		return err
	}
	if err := o.print(report, now); err != nil {
		return err
	}
	if report.State != diagnose.Healthy {
		return exitcode.NotReady
	}
	return nil
}

// inspect runs status's pipeline once.
func (o *StatusOptions) inspect(ctx context.Context, now time.Time) (*diagnose.Report, error) {
	opts := o.InspectOptions(now, o.Getenv)
	opts.EKSAVersion = o.EKSAVersion
	opts.VCenter.Enabled, opts.VCenter.Explicit = o.VSphere, o.VSphereExplicit
	opts.VCenter.Insecure, opts.VCenter.Thumbprint = o.VSphereInsecure, o.VSphereThumbprint
	_, report, err := inspect.Inspect(ctx, opts)
	return report, err
}

func (o *StatusOptions) print(report *diagnose.Report, now time.Time) error {
	switch o.format() {
	case "", "wide":
		return printers.PrintStatus(o.Out, report, printers.StatusOptions{
			Wide: o.format() == "wide", Color: printers.UseColor(o.Out), Now: now,
		})
	}
	printer, err := o.PrintFlags.ToPrinter()
	if err != nil {
		return err
	}
	obj, err := printers.StatusDocument(report)
	if err != nil {
		return err
	}
	return printer.PrintObj(obj, o.Out)
}

func isSemver(v string) bool {
	_, err := version.ParseSemantic(v)
	return err == nil
}

func (o *StatusOptions) format() string {
	if o.PrintFlags.OutputFormat == nil {
		return ""
	}
	return *o.PrintFlags.OutputFormat
}
