// Package cmd holds the root command of kubectl eksa-recover.
package cmd

import (
	"flag"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/bundle"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/move"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/recovery"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/restore"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/resume"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/status"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/verify"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/version"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/printers"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/redact"
)

var rootLong = `Recover an EKS Anywhere management cluster after a failed or interrupted
'eksctl anywhere upgrade cluster' (or 'create cluster'), in both eras:

  In place (EKS-A v0.18 and later): the upgrade runs on the management
  cluster itself, no KinD. A failure leaves workload clusters paused, or a
  rollout that never converged: status names why (a control plane stuck
  scaling, a Machine whose VM is gone, a MachineHealthCheck holding
  remediation back, an in-place upgrader pod failing, expired certificates,
  half-upgraded management components, a webhook nothing serves) and the
  exact command that fixes it; resume clears the pauses the run left.

  KinD round trip (EKS-A v0.17 and earlier, and 'create'/'delete' today):
  eksctl moves the Cluster API objects to a temporary KinD bootstrap cluster
  and back. When it stops half way, they can be left on either side, on
  both, or nowhere, paused. status finds where they are; move brings them
  back to the management cluster safely, restore from a backup.

The management cluster is reached with kubectl's own connection flags
(--kubeconfig, --context, --as, --token, --server, ...) and $KUBECONFIG,
each meaning what it means to kubectl, else with the workspace's kubeconfig;
the bootstrap cluster with --bootstrap-kubeconfig, --bootstrap-context and
--bootstrap-as*, never with the management cluster's identity.`

// NewCmdRoot returns the root command of kubectl eksa-recover.
func NewCmdRoot(streams genericiooptions.IOStreams) *cobra.Command {
	o := cmdutil.NewGlobal()

	cmd := &cobra.Command{
		Use:   "kubectl-eksa_recover",
		Short: "Recover an EKS Anywhere management cluster after a failed eksctl upgrade (in place or through KinD)",
		Long:  rootLong,
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "kubectl eksa-recover",
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.PersistentPreRun = func(*cobra.Command, []string) {
		rest.SetDefaultWarningHandler(kube.NewWarningPrinter(streams.ErrOut, printers.UseColor(streams.ErrOut)))
	}

	o.AddFlags(cmd.PersistentFlags())
	addKlogFlags(cmd.PersistentFlags())
	registerCompletions(cmd, o)

	cmd.AddCommand(
		status.NewCmdStatus(o, streams),
		backup.NewCmdBackup(o, streams),
		bundle.NewCmdBundle(o, streams),
		move.NewCmdMove(o, streams),
		restore.NewCmdRestore(o, streams),
		recovery.NewCmdRecover(o, streams),
		resume.NewCmdResume(o, streams),
		verify.NewCmdVerify(o, streams),
		version.NewCmdVersion(streams),
	)

	return cmd
}

// addKlogFlags adds klog's -v to fs. klog's other flags (--logtostderr,
// --log-file, ...) are left out: they are noise for a plugin's users.
func addKlogFlags(fs *pflag.FlagSet) {
	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	fs.AddGoFlag(klogFlags.Lookup("v"))
	klog.SetLogFilter(redact.SecretSafeLogs{})
}
