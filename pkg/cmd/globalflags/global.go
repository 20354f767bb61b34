package globalflags

import (
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// Global holds the settings shared by every subcommand. The root
// command registers them as persistent flags and hands subcommands a pointer.
type Global struct {
	// ConfigFlags points at the management cluster (--kubeconfig, --context, -n, ...).
	ConfigFlags *genericclioptions.ConfigFlags

	// BootstrapKubeconfig and BootstrapContext point at the KinD bootstrap
	// cluster that eksctl anywhere created.
	BootstrapKubeconfig string
	BootstrapContext    string

	// ClusterName is the EKS Anywhere cluster name. Empty means: the one
	// cluster folder found in Workspace.
	ClusterName string

	// Workspace is the folder eksctl anywhere ran in.
	Workspace string
}

// NewGlobal returns Global with their defaults.
func NewGlobal() *Global {
	return &Global{
		ConfigFlags: genericclioptions.NewConfigFlags(true),
		Workspace:   ".",
	}
}

// AddFlags registers the global options on fs.
func (o *Global) AddFlags(fs *pflag.FlagSet) {
	o.ConfigFlags.AddFlags(fs)
	fs.StringVar(&o.BootstrapKubeconfig, "bootstrap-kubeconfig", o.BootstrapKubeconfig,
		"Path to the kubeconfig of the KinD bootstrap cluster (default: the one eksctl anywhere wrote in the workspace, if any)")
	fs.StringVar(&o.BootstrapContext, "bootstrap-context", o.BootstrapContext,
		"Name of the kubeconfig context to use for the bootstrap cluster")
	fs.StringVar(&o.ClusterName, "cluster-name", o.ClusterName,
		"Name of the EKS Anywhere cluster (default: the one cluster folder found in the workspace)")
	fs.StringVar(&o.Workspace, "workspace", o.Workspace,
		"Folder eksctl anywhere ran in (holds <cluster-name>/ with its kubeconfig and generated files)")
}
