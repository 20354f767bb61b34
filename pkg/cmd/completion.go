package cmd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// registerCompletions wires dynamic completion for the global flags. Cobra's
// __complete parses the flags typed so far before calling these functions, so
// they read --workspace, --cluster-name and the kubeconfig flags from o and
// offer what the plugin itself would use: the same files, the same defaults.
// Every failure completes to nothing; completion never prints an error.
func registerCompletions(cmd *cobra.Command, o *cmdutil.Global) {
	complete := func(name string, values func() []string) {
		_ = cmd.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return withPrefix(values(), toComplete), cobra.ShellCompDirectiveNoFileComp
		})
	}
	complete("cluster-name", func() []string { return workspace.ClusterFolders(o.Workspace) })
	complete("context", func() []string {
		if k := deref(o.ConfigFlags.KubeConfig); k != "" {
			return contextsIn(k)
		}
		if env := os.Getenv(clientcmd.RecommendedConfigPathEnvVar); env != "" {
			return contextsIn(filepath.SplitList(env)...) // as the plugin reads it: $KUBECONFIG before the workspace
		}
		return contextsIn(workspaceFiles(o, eksa.Layout.ManagementKubeconfig)...)
	})
	complete("bootstrap-context", func() []string {
		if o.BootstrapKubeconfig != "" {
			return contextsIn(o.BootstrapKubeconfig)
		}
		return contextsIn(workspaceFiles(o, eksa.Layout.BootstrapKubeconfig)...)
	})
	_ = cmd.RegisterFlagCompletionFunc("workspace", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
}

// workspaceFiles returns file(l) for --cluster-name, or for every cluster
// folder when none is given: with several clusters in the workspace the
// user has not chosen yet, so all their contexts are candidates.
func workspaceFiles(o *cmdutil.Global, file func(eksa.Layout) string) []string {
	names := workspace.ClusterFolders(o.Workspace)
	if o.ClusterName != "" {
		names = []string{o.ClusterName}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, file(eksa.Layout{Workspace: o.Workspace, Cluster: n}))
	}
	return out
}

// contextsIn lists the context names of the kubeconfig files that load,
// sorted and without duplicates.
func contextsIn(paths ...string) []string {
	var out []string
	for _, p := range paths {
		cfg, err := clientcmd.LoadFromFile(p)
		if err != nil {
			continue
		}
		for name := range cfg.Contexts {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func withPrefix(values []string, prefix string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
