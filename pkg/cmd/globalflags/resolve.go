// Package globalflags holds the flags every command shares (the workspace,
// the cluster name, both kubeconfigs and contexts, --request-timeout) and
// turns them into what every command reads: the located workspace and a
// client configuration for each cluster. It never reads a cluster.
package globalflags

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// DefaultTimeout bounds each cluster's read when --request-timeout is 0.
const DefaultTimeout = 15 * time.Second

// Resolved is the workspace and both clusters' sources.
type Resolved struct {
	Workspace  *workspace.Workspace
	Management reader.Source
	Bootstrap  reader.Source
	Timeout    time.Duration
}

// Resolve locates the workspace and loads both kubeconfigs. A kubeconfig
// that is missing is recorded (the source has no Config); one that is
// corrupt or lacks the requested context is an error naming the fix.
func Resolve(g *Global) (*Resolved, error) {
	ws, err := workspace.Locate(workspace.Options{
		Dir:                  g.Workspace,
		ClusterName:          g.ClusterName,
		ManagementKubeconfig: deref(g.ConfigFlags.KubeConfig),
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
	r := &Resolved{Workspace: ws, Timeout: timeout}
	if r.Management, err = load(snapshot.Management, ws.ManagementKubeconfig, ws.ManagementContext, "--kubeconfig", "--context", timeout); err != nil {
		return nil, err
	}
	if r.Bootstrap, err = load(snapshot.Bootstrap, ws.BootstrapKubeconfig, ws.BootstrapContext, "--bootstrap-kubeconfig", "--bootstrap-context", timeout); err != nil {
		return nil, err
	}
	return r, nil
}

func load(role snapshot.Role, path, context, pathFlag, contextFlag string, timeout time.Duration) (reader.Source, error) {
	src := reader.Source{Role: role, Kubeconfig: path, Context: context}
	if path == "" {
		return src, nil
	}
	if _, err := os.Stat(path); err != nil {
		return src, fmt.Errorf("%s kubeconfig %s: %v; pass %s", role, path, err, pathFlag)
	}
	raw, err := clientcmd.LoadFromFile(path)
	if err != nil {
		// The loader's message names the file and the parse error, never
		// the file's contents.
		return src, fmt.Errorf("%s kubeconfig %s is not a valid kubeconfig (%s); pass a good one with %s",
			role, path, firstLine(err), pathFlag)
	}
	if context != "" {
		if _, ok := raw.Contexts[context]; !ok {
			return src, fmt.Errorf("%s kubeconfig %s has no context %q (it has: %s); fix %s",
				role, path, context, strings.Join(contextNames(raw.Contexts), ", "), contextFlag)
		}
	}
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, context, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return src, fmt.Errorf("%s kubeconfig %s: %s; fix it or pass %s", role, path, firstLine(err), pathFlag)
	}
	cfg.Timeout = timeout
	rest.AddUserAgent(cfg, "kubectl-eksa_recover")
	src.Config = cfg
	return src, nil
}

func requestTimeout(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return DefaultTimeout, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	var secs int
	if _, err := fmt.Sscanf(s, "%d", &secs); err == nil && fmt.Sprint(secs) == s {
		return time.Duration(secs) * time.Second, nil
	}
	return 0, fmt.Errorf("--request-timeout %q is not a duration (e.g. 30s, 1m)", s)
}

// PluginCommand is how next steps invoke the plugin: the flags a user must
// repeat to reach the same clusters, with absolute paths.
func PluginCommand(g *Global, ws *workspace.Workspace) string {
	parts := []string{"kubectl eksa-recover"}
	if cwd, err := os.Getwd(); err != nil || filepath.Clean(cwd) != ws.Dir {
		parts = append(parts, "--workspace", quote(ws.Dir))
	}
	if g.ClusterName != "" {
		parts = append(parts, "--cluster-name", quote(ws.ClusterName))
	}
	if k := deref(g.ConfigFlags.KubeConfig); k != "" {
		parts = append(parts, "--kubeconfig", quote(ws.ManagementKubeconfig))
	}
	if c := deref(g.ConfigFlags.Context); c != "" {
		parts = append(parts, "--context", quote(c))
	}
	if g.BootstrapKubeconfig != "" {
		parts = append(parts, "--bootstrap-kubeconfig", quote(ws.BootstrapKubeconfig))
	}
	if g.BootstrapContext != "" {
		parts = append(parts, "--bootstrap-context", quote(g.BootstrapContext))
	}
	return strings.Join(parts, " ")
}

// quote makes a path safe to paste into a shell.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\*?[]{}();&|<>!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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

func contextNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
