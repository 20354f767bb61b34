package cmdutil

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// withKubeconfig returns kubectl's flags as the user gave them, with the
// kubeconfig path the plugin chose (the workspace's when the user named
// none; "" lets the loader read $KUBECONFIG). Every flag is carried by its
// pointer, so the loader reads exactly what cobra parsed; a field of
// ConfigFlags left out here would be a flag silently ignored, which
// TestWithKubeconfig_CarriesEveryFlag catches.
func withKubeconfig(f *genericclioptions.ConfigFlags, path string) *genericclioptions.ConfigFlags {
	return &genericclioptions.ConfigFlags{
		KubeConfig:           &path,
		CacheDir:             f.CacheDir,
		CertFile:             f.CertFile,
		KeyFile:              f.KeyFile,
		CAFile:               f.CAFile,
		BearerToken:          f.BearerToken,
		Impersonate:          f.Impersonate,
		ImpersonateUID:       f.ImpersonateUID,
		ImpersonateGroup:     f.ImpersonateGroup,
		ImpersonateUserExtra: f.ImpersonateUserExtra,
		Username:             f.Username,
		Password:             f.Password,
		ClusterName:          f.ClusterName,
		AuthInfoName:         f.AuthInfoName,
		Context:              f.Context,
		Namespace:            f.Namespace,
		APIServer:            f.APIServer,
		TLSServerName:        f.TLSServerName,
		Insecure:             f.Insecure,
		Timeout:              f.Timeout,
		DisableCompression:   f.DisableCompression,
		WrapConfigFn:         f.WrapConfigFn,
	}
}

// givenFlags names the connection flags set in f, in --help's order.
func givenFlags(f *genericclioptions.ConfigFlags) []string {
	var out []string
	for _, s := range []struct {
		flag  string
		value *string
	}{
		{"--context", f.Context}, {"--cluster", f.ClusterName}, {"--user", f.AuthInfoName}, {"--server", f.APIServer},
		{"--token", f.BearerToken}, {"--as", f.Impersonate}, {"--as-uid", f.ImpersonateUID},
		{"--certificate-authority", f.CAFile}, {"--client-certificate", f.CertFile}, {"--client-key", f.KeyFile},
		{"--tls-server-name", f.TLSServerName},
	} {
		if deref(s.value) != "" {
			out = append(out, s.flag)
		}
	}
	return out
}

// nameFlags are the flags that fix each name, for one cluster's messages;
// "" when the cluster has no such flag.
type nameFlags struct{ kubeconfig, context, cluster, user string }

// names are the context, cluster, user and server the user asked for by
// flag; "" when not.
type names struct{ context, cluster, user, server string }

func requested(f *genericclioptions.ConfigFlags) names {
	return names{context: deref(f.Context), cluster: deref(f.ClusterName), user: deref(f.AuthInfoName), server: deref(f.APIServer)}
}

// checkNames fails, in one line naming the fix, when the context to use, or
// the cluster or user it names, is not in raw. client-go would go on with
// an empty entry and fail later with "no configuration has been provided"
// or, worse, talk to its default server.
func checkNames(raw clientcmdapi.Config, n names, fix nameFlags) error {
	ctxName := n.context
	if ctxName == "" {
		ctxName = raw.CurrentContext
	}
	if ctxName == "" && n.server == "" { // with --server, kubectl needs no context
		if len(raw.Contexts) == 0 {
			return fmt.Errorf("it holds no context; %s", passOr(fix.kubeconfig, "pass a kubeconfig that has one with %s"))
		}
		return fmt.Errorf("it names no current context (it has: %s); %s", list(raw.Contexts), passOr(fix.context, "pick one with %s"))
	}
	ctx, ok := raw.Contexts[ctxName]
	if ctxName != "" && !ok {
		return fmt.Errorf("it has no context %q (it has: %s); fix %s", ctxName, list(raw.Contexts), fix.context)
	}
	if ctx == nil {
		ctx = clientcmdapi.NewContext()
	}
	cluster, user := ctx.Cluster, ctx.AuthInfo
	if n.cluster != "" {
		cluster = n.cluster
	}
	if n.user != "" {
		user = n.user
	}
	if _, ok := raw.Clusters[cluster]; !ok && n.server == "" {
		return fmt.Errorf("context %q names cluster %q, which it does not hold (it has: %s); %s",
			ctxName, cluster, list(raw.Clusters), passOr(fix.cluster, "fix the kubeconfig or pass %s"))
	}
	if _, ok := raw.AuthInfos[user]; user != "" && !ok {
		return fmt.Errorf("context %q names user %q, which it does not hold (it has: %s); %s",
			ctxName, user, list(raw.AuthInfos), passOr(fix.user, "fix the kubeconfig or pass %s"))
	}
	return nil
}

// passOr formats how with flag, or says to fix the kubeconfig when the
// cluster has no such flag.
func passOr(flag, how string) string {
	if flag == "" {
		return "fix the kubeconfig"
	}
	return fmt.Sprintf(how, flag)
}

// list names m's keys, sorted, or says "none".
func list[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}
