// Package bundle is `kubectl eksa-recover bundle`: status's read of both
// clusters and eksctl's workspace files, redacted, in one tar.gz for
// support. It changes nothing in either cluster.
package bundle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/buildinfo"
	supportbundle "github.com/eksa-recover/kubectl-eksa_recover/pkg/bundle"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/inspect"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/printers"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

var (
	bundleLong = `Write a support bundle: one tar.gz that support can read without access to
the clusters. It holds status -o json; every object status read from both
clusters (one YAML file per object, in folders by cluster and kind); the
Nodes; the eksctl files of the workspace (the EKS-A spec, the generated CAPI
spec, the checkpoint, the logs, the list of backups with their manifests);
the plugin's and the clusters' versions; and a README listing every file.

Redacted everywhere: every Secret's values (their names and keys stay),
kubeconfig credentials, the vCenter password, PEM private keys, and
annotations that embed them. It reads only, like status; the archive is
created readable by you alone (0600).`

	bundleExample = `  # In the folder eksctl ran in
  kubectl eksa-recover bundle

  # Only the last day's eksctl logs, to a file of your choice
  kubectl eksa-recover bundle --since 24h --to /tmp/cluster3-support.tar.gz`
)

// BundleOptions are bundle's settings.
type BundleOptions struct {
	cmdutil.CommandOptions
	// To is the archive to write; "" is <workspace>/<cluster>/eksa-recover-bundle-<time>.tar.gz.
	To string
	// Since keeps only the eksctl logs written in this long; 0 keeps all.
	Since time.Duration
	// VSphere runs status's vCenter check (when credentials are set).
	VSphere bool
	Now     func() time.Time
	Getenv  func(string) string
}

// NewBundleOptions returns BundleOptions with their defaults.
func NewBundleOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *BundleOptions {
	return &BundleOptions{CommandOptions: cmdutil.NewCommandOptions(g, streams), VSphere: true, Now: time.Now, Getenv: os.Getenv}
}

// NewCmdBundle returns the bundle command.
func NewCmdBundle(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewBundleOptions(g, streams)
	cmd := &cobra.Command{
		Use:     "bundle",
		Short:   "Write a redacted support bundle (tar.gz) of both clusters and eksctl's files",
		Long:    bundleLong,
		Example: bundleExample,
		Args:    cobra.NoArgs,
		RunE:    cmdutil.RunE(o),
	}
	cmd.Flags().StringVar(&o.To, "to", "", "Archive to write (default <workspace>/<cluster>/eksa-recover-bundle-<time>.tar.gz)")
	cmd.Flags().DurationVar(&o.Since, "since", 0, "Only eksctl logs written within this duration, e.g. 24h (default: all)")
	cmd.Flags().BoolVar(&o.VSphere, "vsphere", o.VSphere,
		"Check the Machines' VMs in vCenter, as status does (when EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD are set)")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *BundleOptions) Complete() error { return o.CommandOptions.Complete() }

// Validate refuses a negative --since and an archive that exists or whose
// folder does not, before anything is read.
func (o *BundleOptions) Validate() error {
	if o.Since < 0 {
		return fmt.Errorf("--since %s: give a positive duration, e.g. 24h", o.Since)
	}
	if o.To == "" {
		return nil
	}
	if _, err := os.Lstat(o.To); err == nil { // a symlink too, dangling or not
		return fmt.Errorf("--to %s exists: name a new file", o.To)
	}
	if fi, err := os.Stat(filepath.Dir(o.To)); err != nil || !fi.IsDir() {
		return fmt.Errorf("--to %s: folder %s does not exist", o.To, filepath.Dir(o.To))
	}
	return nil
}

// Run reads both clusters as status does, then builds and writes the archive.
func (o *BundleOptions) Run(ctx context.Context) error {
	r := o.Resolved
	now := o.Now()
	password := o.Getenv(inspect.EnvVSpherePassword)
	opts := o.InspectOptions(now, o.Getenv)
	opts.VCenter.Enabled = o.VSphere
	snap, report, err := inspect.Inspect(ctx, opts)
	if err != nil {
		return err
	}
	statusJSON, err := printers.StatusJSON(report, false)
	if err != nil {
		return err
	}
	printUnread(o.ErrOut, snap)
	extras := map[snapshot.Role]supportbundle.Extras{}
	for _, src := range []struct {
		role snapshot.Role
		ok   bool
	}{{snapshot.Management, snap.Management.Reachable}, {snapshot.Bootstrap, snap.Bootstrap.Reachable}} {
		if src.ok {
			cfg := r.Management.Config
			if src.role == snapshot.Bootstrap {
				cfg = r.Bootstrap.Config
			}
			extras[src.role] = supportbundle.ReadExtras(ctx, cfg, r.Timeout)
		}
	}
	info := buildinfo.Get()
	files := supportbundle.Build(supportbundle.Input{
		Snapshot: snap, Report: report, Workspace: r.Workspace, StatusJSON: statusJSON, Extras: extras,
		Plugin: fmt.Sprintf("%s (commit %s, %s, %s)", info.Version, info.Commit, info.GoVersion, info.Platform),
		Since:  o.Since, Now: now, Known: nonEmpty(password),
	})
	to := o.To
	if to == "" {
		l := eksa.Layout{Workspace: r.Workspace.Dir, Cluster: r.Workspace.ClusterName}
		to = filepath.Join(l.Dir(), "eksa-recover-bundle-"+now.UTC().Format(eksa.BackupTimeFormat)+".tar.gz")
	}
	size, err := supportbundle.Write(to, files, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "Wrote %s: %d files, %s, state %s\n", to, len(files), humanSize(size), report.State)
	fmt.Fprintf(o.Out, "Redacted: Secret values, kubeconfig credentials, the vCenter password, private keys; README.txt inside lists every file\n")
	return nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
