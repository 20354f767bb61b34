// Package cmdutil is what every command shares, as kubectl's cmdutil and
// its factory are: the flags every command shares (the workspace, the
// cluster name, kubectl's connection flags for the management cluster,
// the --bootstrap-* ones for KinD, --request-timeout), resolved to what
// every command reads (the located workspace and a client configuration
// for each cluster, built by cli-runtime's own loader so that each flag
// means what kubectl says); the command line that reaches the same
// clusters again; and CommandOptions and RunE, the Options every command
// embeds and the Complete → Validate → Run that runs them. It reads no
// object from a cluster and connects to none: status reads through
// pkg/reader, the writing commands connect through opsenv.Connect.
package cmdutil

import (
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Where a cluster's kubeconfig came from, as status shows it.
const (
	FromFlag          = "--kubeconfig"
	FromEnv           = "$KUBECONFIG"
	FromWorkspace     = "workspace"
	FromBootstrapFlag = "--bootstrap-kubeconfig"
)

// Resolved is the workspace and both clusters' sources.
type Resolved struct {
	Workspace  *workspace.Workspace
	Management reader.Source
	Bootstrap  reader.Source
	// Timeout is --request-timeout: each request's and each cluster's
	// read; 0 is none.
	Timeout time.Duration
}

// Resolve locates the workspace and loads both kubeconfigs. The management
// cluster's comes from --kubeconfig, else $KUBECONFIG (its paths merged as
// kubectl merges them), else the workspace's; KinD's from
// --bootstrap-kubeconfig, else the workspace's. A kubeconfig that is missing
// is recorded (the source has no Config); one that is corrupt, or whose
// context, cluster or user is not there, is an error naming the fix.
func Resolve(g *Global) (*Resolved, error) {
	if err := ValidateClusterName(g.ClusterName); err != nil {
		return nil, err
	}
	flagPath := deref(g.ConfigFlags.KubeConfig)
	env := ""
	if flagPath == "" {
		env = os.Getenv(clientcmd.RecommendedConfigPathEnvVar)
	}
	ws, err := workspace.Locate(workspace.Options{
		Dir:                  g.Workspace,
		ClusterName:          g.ClusterName,
		ManagementKubeconfig: flagPath,
		ManagementContext:    deref(g.ConfigFlags.Context),
		BootstrapKubeconfig:  g.BootstrapKubeconfig,
		BootstrapContext:     g.BootstrapContext,
	})
	if err != nil {
		return nil, err
	}
	timeout, err := requestTimeout(deref(g.ConfigFlags.Timeout))
	if err != nil {
		return nil, err
	}
	if err := refuseBootstrapFlags(g, ws); err != nil {
		return nil, err
	}
	f := g.ConfigFlags
	if err := refuseImpersonation("--as", deref(f.Impersonate), f.ImpersonateGroup != nil && len(*f.ImpersonateGroup) > 0, deref(f.ImpersonateUID) != ""); err != nil {
		return nil, err
	}
	if err := refuseImpersonation("--bootstrap-as", g.BootstrapAs, len(g.BootstrapAsGroups) > 0, g.BootstrapAsUID != ""); err != nil {
		return nil, err
	}
	r := &Resolved{Workspace: ws, Timeout: timeout}
	if r.Management, err = load(management(g, ws, flagPath, env)); err != nil {
		return nil, err
	}
	if r.Bootstrap, err = load(bootstrap(g, ws)); err != nil {
		return nil, err
	}
	return r, nil
}

// connection is one cluster's flags, as the loader takes them, and the
// words its messages use.
type connection struct {
	role  snapshot.Role
	path  string // the kubeconfig shown ($KUBECONFIG's value when from it)
	from  string
	flags *genericclioptions.ConfigFlags
	names nameFlags
}

func management(g *Global, ws *workspace.Workspace, flagPath, env string) connection {
	c := connection{role: snapshot.Management, path: ws.ManagementKubeconfig, from: FromWorkspace,
		names: nameFlags{kubeconfig: "--kubeconfig", context: "--context", cluster: "--cluster", user: "--user"}}
	loaderPath := ws.ManagementKubeconfig
	switch {
	case flagPath != "":
		c.from = FromFlag
	case env != "":
		c.from, c.path, loaderPath = FromEnv, env, "" // the loader reads and merges $KUBECONFIG itself
	}
	c.flags = withKubeconfig(g.ConfigFlags, loaderPath)
	return c
}

func bootstrap(g *Global, ws *workspace.Workspace) connection {
	c := connection{role: snapshot.Bootstrap, path: ws.BootstrapKubeconfig, from: FromWorkspace,
		names: nameFlags{kubeconfig: "--bootstrap-kubeconfig", context: "--bootstrap-context"}}
	if g.BootstrapKubeconfig != "" {
		c.from = FromBootstrapFlag
	}
	path := ws.BootstrapKubeconfig
	// Only the --bootstrap-* flags and the shared timeout: never the
	// management cluster's identity, server or $KUBECONFIG (the path is
	// always explicit, which the loader takes instead of the variable).
	c.flags = &genericclioptions.ConfigFlags{
		KubeConfig: &path, Context: &g.BootstrapContext,
		Impersonate: &g.BootstrapAs, ImpersonateGroup: &g.BootstrapAsGroups, ImpersonateUID: &g.BootstrapAsUID,
		Timeout: g.ConfigFlags.Timeout,
	}
	return c
}

func load(c connection) (reader.Source, error) {
	src := reader.Source{Role: c.role, Kubeconfig: c.path, Context: deref(c.flags.Context), From: c.from}
	if c.path == "" {
		// Without a kubeconfig there is nothing for a flag to apply to
		// (kubectl would fall back to ~/.kube/config, another cluster's).
		if given := givenFlags(c.flags); len(given) > 0 {
			return src, fmt.Errorf("%s given, and there is no %s kubeconfig to apply it to (none in the workspace): pass %s",
				given[0], c.role, c.names.kubeconfig)
		}
		return src, nil
	}
	where := fmt.Sprintf("%s kubeconfig %s", c.role, c.path)
	if c.from == FromEnv {
		where = fmt.Sprintf("%s kubeconfig from $KUBECONFIG (%s)", c.role, c.path)
	} else if _, err := os.Stat(c.path); err != nil {
		return src, fmt.Errorf("%s: %v; pass %s", where, err, c.names.kubeconfig)
	}
	loader := c.flags.ToRawKubeConfigLoader()
	raw, err := loader.RawConfig()
	if err != nil {
		// The loader's message names the file and the parse error, never
		// the file's contents.
		return src, fmt.Errorf("%s is not a valid kubeconfig (%s); pass a good one with %s", where, firstLine(err), c.names.kubeconfig)
	}
	if err := checkNames(raw, requested(c.flags), c.names); err != nil {
		return src, fmt.Errorf("%s: %w", where, err)
	}
	cfg, err := c.flags.ToRESTConfig()
	if err != nil {
		return src, fmt.Errorf("%s: %s; fix the kubeconfig or the flag it names, or pass another with %s", where, firstLine(err), c.names.kubeconfig)
	}
	if deref(c.flags.BearerToken) != "" && (len(cfg.CertData) > 0 || cfg.CertFile != "") {
		// The API server authenticates a client certificate before a
		// token: the token would be sent and never used.
		return src, fmt.Errorf("%s: --token is given, and the user the context names also has a client certificate, which the API server would use instead; "+
			"pass --user for a user without one, or a kubeconfig without credentials", where)
	}
	rest.AddUserAgent(cfg, "kubectl-eksa_recover")
	src.Config = cfg
	return src, nil
}

// refuseBootstrapFlags refuses a --bootstrap-* flag that has no KinD
// kubeconfig to apply to, rather than ignore it.
func refuseBootstrapFlags(g *Global, ws *workspace.Workspace) error {
	if ws.BootstrapKubeconfig != "" {
		return nil
	}
	for _, f := range []struct {
		flag  string
		given bool
	}{
		{"--bootstrap-context", g.BootstrapContext != ""}, {"--bootstrap-as", g.BootstrapAs != ""},
		{"--bootstrap-as-group", len(g.BootstrapAsGroups) > 0}, {"--bootstrap-as-uid", g.BootstrapAsUID != ""},
	} {
		if f.given {
			return fmt.Errorf("%s applies to the KinD cluster, and %s has no KinD kubeconfig for %s: pass --bootstrap-kubeconfig, or drop %s",
				f.flag, ws.Dir, ws.ClusterName, f.flag)
		}
	}
	return nil
}

// refuseImpersonation refuses groups or a UID to impersonate without a
// user: client-go would refuse it too, in words that name no flag.
func refuseImpersonation(asFlag, user string, groups, uid bool) error {
	if user != "" || !groups && !uid {
		return nil
	}
	what := asFlag + "-group"
	if uid {
		what = asFlag + "-uid"
	}
	return fmt.Errorf("%s needs %s: groups and a UID are impersonated with a user; pass %s USER", what, asFlag, asFlag)
}

// requestTimeout parses --request-timeout as kubectl does: 0 is no timeout.
func requestTimeout(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := clientcmd.ParseTimeout(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--request-timeout %q is not a duration (e.g. 30s, 1m; 0 for none)", s)
	}
	return d, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstLine(err error) string {
	return strings.SplitN(strings.TrimSpace(err.Error()), "\n", 2)[0]
}
