package cmdutil

import (
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// Global holds the settings shared by every subcommand. The root
// command registers them as persistent flags and hands subcommands a pointer.
type Global struct {
	// ConfigFlags points at the management cluster: kubectl's own
	// connection flags (--kubeconfig, --context, --as, --token, --server,
	// ...), read by cli-runtime's loader exactly as kubectl reads them.
	ConfigFlags *genericclioptions.ConfigFlags

	// Bootstrap* point at the KinD bootstrap cluster that eksctl anywhere
	// created, with an identity of their own: the management cluster's
	// --as or --token never reaches KinD by accident.
	BootstrapKubeconfig string
	BootstrapContext    string
	BootstrapAs         string
	BootstrapAsGroups   []string
	BootstrapAsUID      string

	// ClusterName is the EKS Anywhere cluster name. Empty means: the one
	// cluster folder found in Workspace.
	ClusterName string

	// Workspace is the folder eksctl anywhere ran in.
	Workspace string
}

// RequestTimeoutDefault is --request-timeout's default: a cluster that
// does not answer at 2 a.m. is reported, not waited on forever.
const RequestTimeoutDefault = "15s"

// requestTimeoutUsage says what the plugin does with --request-timeout,
// which bounds more than kubectl's single request.
const requestTimeoutUsage = "How long to wait for a cluster before giving up: each request, and each cluster's whole read " +
	"(a single integer is seconds, otherwise give a unit: 30s, 2m). 0 means no timeout"

// NewGlobal returns Global with their defaults. kubectl's -n and
// --cache-dir are not registered: every object the plugin reads is in the
// namespaces EKS-A uses, and it keeps no discovery or HTTP cache.
func NewGlobal() *Global {
	cf := genericclioptions.NewConfigFlags(false)
	cf.Namespace, cf.CacheDir = nil, nil
	timeout := RequestTimeoutDefault
	cf.Timeout = &timeout
	return &Global{ConfigFlags: cf, Workspace: "."}
}

// AddFlags registers the global options on fs.
func (o *Global) AddFlags(fs *pflag.FlagSet) {
	o.ConfigFlags.AddFlags(fs)
	if f := fs.Lookup("request-timeout"); f != nil {
		f.Usage = requestTimeoutUsage
	}
	fs.StringVar(&o.BootstrapKubeconfig, "bootstrap-kubeconfig", o.BootstrapKubeconfig,
		"Path to the kubeconfig of the KinD bootstrap cluster (default: the one eksctl anywhere wrote in the workspace, if any; never $KUBECONFIG)")
	fs.StringVar(&o.BootstrapContext, "bootstrap-context", o.BootstrapContext,
		"Name of the kubeconfig context to use for the bootstrap cluster")
	fs.StringVar(&o.BootstrapAs, "bootstrap-as", o.BootstrapAs,
		"Username to impersonate on the bootstrap cluster (--as applies to the management cluster only)")
	fs.StringArrayVar(&o.BootstrapAsGroups, "bootstrap-as-group", o.BootstrapAsGroups,
		"Group to impersonate on the bootstrap cluster; repeat for several")
	fs.StringVar(&o.BootstrapAsUID, "bootstrap-as-uid", o.BootstrapAsUID,
		"UID to impersonate on the bootstrap cluster")
	fs.StringVar(&o.ClusterName, "cluster-name", o.ClusterName,
		"Name of the EKS Anywhere cluster (default: the one cluster folder found in the workspace)")
	fs.StringVar(&o.Workspace, "workspace", o.Workspace,
		"Folder eksctl anywhere ran in (holds <cluster-name>/ with its kubeconfig and generated files)")
}
