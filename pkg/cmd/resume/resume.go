// Package resume is `kubectl eksa-recover resume`: clear the pause markers
// a failed eksctl run left on the management cluster, backed up first.
package resume

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/opsenv"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/ops"
)

const resumeLong = `Clear the pause markers a failed eksctl run left on the management cluster:
EKS-A's anywhere.eks.amazonaws.com/paused and managed-by-cli annotations and
Flux's kustomize.toolkit.fluxcd.io/reconcile: disabled on the EKS-A Clusters,
DatacenterConfigs and MachineConfigs, and spec.paused on the Cluster API
Clusters, of the cluster and the workload clusters it manages. EKS-A v0.19
and later refuse to upgrade a paused cluster, so status asks for this first.

It shows what it will change, asks (--yes answers for scripts), writes the
objects as they are into a new backup folder
(<workspace>/<cluster>/eksa-recover-resume-backup-<time>/), patches them and reads
them back. It leaves a KubeadmControlPlane paused while its EtcdadmCluster is
still upgrading etcd, and refuses to change anything while the management
cluster does not answer or KinD holds, or may hold, the clusters' Cluster
API objects (run move first).

A management upgrade pauses every workload cluster; a Cluster already
paused before the failed run was paused on purpose. When a backup of this
plugin's taken before the run (before eksctl's own pre-upgrade backup, which
cannot tell: clusterctl writes every Cluster paused) recorded a Cluster
paused, resume leaves it paused and lists it as held (--include-pre-paused
clears it too). When no backup tells, the plan says so before asking.`

// ResumeOptions are resume's settings.
type ResumeOptions struct {
	opsenv.Options
	// IncludePrePaused also unpauses the Clusters paused before the run.
	IncludePrePaused bool
}

// NewResumeOptions returns ResumeOptions with their defaults.
func NewResumeOptions(g *cmdutil.Global, streams genericiooptions.IOStreams) *ResumeOptions {
	return &ResumeOptions{Options: opsenv.NewOptions(g, streams)}
}

// NewCmdResume returns the resume command.
func NewCmdResume(g *cmdutil.Global, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewResumeOptions(g, streams)
	cmd := &cobra.Command{
		Use:   "resume",
		Short: "Clear the pause markers a failed eksctl run left, backed up first",
		Long:  resumeLong,
		Example: `  # See what would be cleared, then clear it
  kubectl eksa-recover resume --dry-run
  kubectl eksa-recover resume`,
		Args: cobra.NoArgs,
		RunE: cmdutil.RunE(o),
	}
	f := cmd.Flags()
	o.AddFlags(f, "Print what would be cleared and change nothing")
	f.BoolVar(&o.IncludePrePaused, "include-pre-paused", false,
		"Also unpause the Clusters a backup from before the failed run recorded paused (paused on purpose)")
	return cmd
}

// Complete locates the workspace and loads the kubeconfigs.
func (o *ResumeOptions) Complete() error { return o.Options.Complete() }

// Validate has nothing to check before the clusters are read.
func (o *ResumeOptions) Validate() error { return nil }

// Run reads both clusters, plans, asks, then backs up, patches and checks.
func (o *ResumeOptions) Run(ctx context.Context) error {
	plan, err := ops.Resume(ctx, o.Env(), ops.ResumeOptions{IncludePrePaused: o.IncludePrePaused})
	if err != nil {
		return err
	}
	if plan == nil {
		// Nothing to do is an answer, not a failure: scripts rerun resume.
		fmt.Fprintf(o.Out, "Nothing to resume: no pause marker that resume clears is set on %s or the clusters it manages\n", o.Resolved.Workspace.ClusterName)
		return nil
	}
	return o.Apply(ctx, plan, "resume writes to the management cluster")
}
