package cmd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfig writes a kubeconfig with the given context names.
func writeKubeconfig(t *testing.T, path string, contexts ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
	for _, c := range contexts {
		cfg.Contexts[c] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
}

// completeWorkspace lays out two clusters as eksctl leaves them: mgmt with
// both kubeconfigs, other with a management kubeconfig only, and a folder
// that is no cluster.
func completeWorkspace(t *testing.T) string {
	t.Helper()
	ws := t.TempDir()
	writeKubeconfig(t, filepath.Join(ws, "mgmt", "mgmt-eks-a-cluster.kubeconfig"), "mgmt-admin@mgmt")
	writeKubeconfig(t, filepath.Join(ws, "mgmt", "generated", "mgmt.kind.kubeconfig"), "kind-mgmt-eks-a-cluster")
	writeKubeconfig(t, filepath.Join(ws, "other", "other-eks-a-cluster.kubeconfig"), "other-admin@other", "shared")
	if err := os.MkdirAll(filepath.Join(ws, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	return ws
}

// complete runs cobra's __complete and returns the offered values and the
// directive line.
func complete(t *testing.T, args ...string) (values []string, directive string) {
	t.Helper()
	out, _, err := execute(t, append([]string{"__complete"}, args...)...)
	if err != nil {
		t.Fatalf("__complete %q: %v", args, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		if line != "" {
			values = append(values, strings.SplitN(line, "\t", 2)[0])
		}
	}
	return values, directive
}

func TestRegisterCompletions(t *testing.T) {
	ws := completeWorkspace(t)
	own := filepath.Join(t.TempDir(), "own.kubeconfig")
	writeKubeconfig(t, own, "prod", "staging")
	ownKind := filepath.Join(t.TempDir(), "kind.kubeconfig")
	writeKubeconfig(t, ownKind, "kind-x")
	t.Setenv("KUBECONFIG", "") // the workspace's contexts, as the plugin would read them

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"cluster names", []string{"status", "--workspace", ws, "--cluster-name", ""}, []string{"mgmt", "other"}},
		{"cluster names by prefix", []string{"status", "--workspace", ws, "--cluster-name", "m"}, []string{"mgmt"}},
		{"no workspace", []string{"status", "--workspace", filepath.Join(ws, "nope"), "--cluster-name", ""}, nil},
		{"context of every cluster", []string{"status", "--workspace", ws, "--context", ""}, []string{"mgmt-admin@mgmt", "other-admin@other", "shared"}},
		{"context of --cluster-name", []string{"status", "--workspace", ws, "--cluster-name", "mgmt", "--context", ""}, []string{"mgmt-admin@mgmt"}},
		{"context of --kubeconfig", []string{"status", "--workspace", ws, "--kubeconfig", own, "--context", "p"}, []string{"prod"}},
		{"context of a missing kubeconfig", []string{"status", "--kubeconfig", filepath.Join(ws, "nope"), "--context", ""}, nil},
		{"bootstrap context", []string{"status", "--workspace", ws, "--bootstrap-context", ""}, []string{"kind-mgmt-eks-a-cluster"}},
		{"context of $KUBECONFIG", []string{"status", "--workspace", ws, "--context", "{{env}}"}, []string{"prod", "staging"}},
		{"bootstrap context of a cluster without KinD", []string{"status", "--workspace", ws, "--cluster-name", "other", "--bootstrap-context", ""}, nil},
		{"bootstrap context of --bootstrap-kubeconfig", []string{"status", "--workspace", ws, "--bootstrap-kubeconfig", ownKind, "--bootstrap-context", ""}, []string{"kind-x"}},
		{"flags before the subcommand", []string{"--workspace", ws, "version", "--cluster-name", ""}, []string{"mgmt", "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := slices.Clone(tt.args)
			if i := slices.Index(args, "{{env}}"); i >= 0 {
				args[i] = ""
				t.Setenv("KUBECONFIG", own+string(os.PathListSeparator)+filepath.Join(ws, "nope"))
			}
			got, directive := complete(t, args...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("__complete %q = %q, want %q", tt.args, got, tt.want)
			}
			if directive != ":4" { // ShellCompDirectiveNoFileComp
				t.Errorf("__complete %q directive = %s, want :4 (no file completion)", tt.args, directive)
			}
		})
	}
}

func TestRegisterCompletions_Workspace(t *testing.T) {
	_, directive := complete(t, "status", "--workspace", "")
	if directive != ":16" { // ShellCompDirectiveFilterDirs
		t.Errorf("__complete status --workspace \"\" directive = %s, want :16 (folders)", directive)
	}
}
