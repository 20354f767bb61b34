package cmdutil

import (
	"os"
	"path/filepath"
	"strings"

	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// TokenPlaceholder stands for --token in a suggested command: a token is a
// secret and is never printed, so the user gives it again. Pasted as is,
// it is a token the API server refuses, never another identity.
const TokenPlaceholder = "'<your --token, given again>'"

// PluginCommand is how next steps invoke the plugin: the flags a user must
// repeat to reach the same clusters as the same user, with absolute paths.
// --token is the one flag not repeated (TokenPlaceholder instead).
func PluginCommand(g *Global, ws *workspace.Workspace) string {
	c := command{"kubectl eksa-recover"}
	if cwd, err := os.Getwd(); err != nil || filepath.Clean(cwd) != ws.Dir {
		c.add("--workspace", ws.Dir)
	}
	if g.ClusterName != "" {
		c.add("--cluster-name", ws.ClusterName)
	}
	f := g.ConfigFlags
	if deref(f.KubeConfig) != "" {
		c.add("--kubeconfig", ws.ManagementKubeconfig)
	}
	c.connection(f)
	if t := deref(f.Timeout); t != RequestTimeoutDefault {
		c.add("--request-timeout", t)
	}
	if g.BootstrapKubeconfig != "" {
		c.add("--bootstrap-kubeconfig", ws.BootstrapKubeconfig)
	}
	c.add("--bootstrap-context", g.BootstrapContext)
	c.add("--bootstrap-as", g.BootstrapAs)
	c.addEach("--bootstrap-as-group", &g.BootstrapAsGroups)
	c.add("--bootstrap-as-uid", g.BootstrapAsUID)
	return strings.Join(c, " ")
}

// KubectlCommand is how next steps invoke kubectl on the management
// cluster: its kubeconfig (none when $KUBECONFIG named it, which kubectl
// reads itself) and the connection flags the user gave, so that a
// suggested `auth can-i` asks as the user the plugin read as.
func KubectlCommand(g *Global, r *Resolved) string {
	c := command{"kubectl"}
	if r.Management.From != FromEnv {
		c.add("--kubeconfig", r.Management.Kubeconfig)
	}
	c.connection(g.ConfigFlags)
	return strings.Join(c, " ")
}

// BootstrapKubectlCommand is KubectlCommand for KinD: its kubeconfig and
// the --bootstrap-* flags, as kubectl spells them.
func BootstrapKubectlCommand(g *Global, r *Resolved) string {
	c := command{"kubectl"}
	c.add("--kubeconfig", r.Bootstrap.Kubeconfig)
	c.add("--context", g.BootstrapContext)
	c.add("--as", g.BootstrapAs)
	c.addEach("--as-group", &g.BootstrapAsGroups)
	c.add("--as-uid", g.BootstrapAsUID)
	return strings.Join(c, " ")
}

// connection adds kubectl's connection flags as given, the token as
// TokenPlaceholder.
func (c *command) connection(f *genericclioptions.ConfigFlags) {
	c.add("--context", deref(f.Context))
	c.add("--cluster", deref(f.ClusterName))
	c.add("--user", deref(f.AuthInfoName))
	c.add("--server", deref(f.APIServer))
	c.add("--tls-server-name", deref(f.TLSServerName))
	c.add("--certificate-authority", absPath(deref(f.CAFile)))
	c.add("--client-certificate", absPath(deref(f.CertFile)))
	c.add("--client-key", absPath(deref(f.KeyFile)))
	c.flag("--insecure-skip-tls-verify", f.Insecure)
	c.flag("--disable-compression", f.DisableCompression)
	if deref(f.BearerToken) != "" {
		*c = append(*c, "--token", TokenPlaceholder)
	}
	c.add("--as", deref(f.Impersonate))
	c.addEach("--as-group", f.ImpersonateGroup)
	c.add("--as-uid", deref(f.ImpersonateUID))
	c.addEach("--as-user-extra", f.ImpersonateUserExtra)
}

// command is a command line being built, each value quoted for a shell.
type command []string

func (c *command) add(flag, value string) {
	if value != "" {
		*c = append(*c, flag, quote(value))
	}
}

func (c *command) addEach(flag string, values *[]string) {
	if values != nil {
		for _, v := range *values {
			c.add(flag, v)
		}
	}
}

func (c *command) flag(flag string, on *bool) {
	if on != nil && *on {
		*c = append(*c, flag)
	}
}

func absPath(p string) string {
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// quote makes a value safe to paste into a shell.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\*?[]{}();&|<>!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
