package cmdutil

import (
	"strings"
	"testing"
)

// TestPluginCommand_SameUser: a suggested command repeats every identity
// flag the user gave, so it acts as the same user, but never the token.
func TestPluginCommand_SameUser(t *testing.T) {
	l := newWorkspace(t)
	r, g, err := resolveArgs(t, l, "--as", "viewer", "--as-group", "ops team", "--as-uid", "u-1", "--user", "mgmt",
		"--token", "s3cr3t-t0ken", "--bootstrap-as", "kind-viewer", "--request-timeout", "40s")
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	got := PluginCommand(g, r.Workspace)
	for _, want := range []string{"--as viewer", "--as-group 'ops team'", "--as-uid u-1", "--user mgmt",
		"--token " + TokenPlaceholder, "--bootstrap-as kind-viewer", "--request-timeout 40s"} {
		if !strings.Contains(got, want) {
			t.Errorf("PluginCommand = %s, want it to hold %s", got, want)
		}
	}
	if strings.Contains(got, "s3cr3t") {
		t.Errorf("PluginCommand = %s: it prints the token", got)
	}

	r, g, err = resolveArgs(t, l)
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	if got, want := PluginCommand(g, r.Workspace), "kubectl eksa-recover --workspace "+l.Workspace; got != want {
		t.Errorf("PluginCommand without flags = %s, want %s", got, want)
	}
}

// TestKubectlCommand_SameUser: the kubectl commands next steps suggest
// reach each cluster as the user the plugin read as (an `auth can-i` as the
// kubeconfig's own user would answer for someone else), never with the
// token; from $KUBECONFIG, kubectl is left to read the variable itself.
func TestKubectlCommand_SameUser(t *testing.T) {
	l := newWorkspace(t)
	r, g, err := resolveArgs(t, l, "--as", "viewer", "--as-group", "ops team", "--as-uid", "u-1", "--token", "s3cr3t-t0ken",
		"--bootstrap-as", "kind-viewer", "--bootstrap-as-uid", "u-2")
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	if got, want := KubectlCommand(g, r), "kubectl --kubeconfig "+l.ManagementKubeconfig()+" --token "+TokenPlaceholder+" --as viewer --as-group 'ops team' --as-uid u-1"; got != want {
		t.Errorf("KubectlCommand = %s, want %s", got, want)
	}
	if got, want := BootstrapKubectlCommand(g, r), "kubectl --kubeconfig "+r.Bootstrap.Kubeconfig+" --as kind-viewer --as-uid u-2"; got != want {
		t.Errorf("BootstrapKubectlCommand = %s, want %s", got, want)
	}

	t.Setenv("KUBECONFIG", l.ManagementKubeconfig())
	r, g, err = resolveArgs(t, l, "--context", "mgmt")
	if err != nil || r.Management.From != FromEnv {
		t.Fatalf("Resolve from $KUBECONFIG = %v, from %q", err, r.Management.From)
	}
	if got, want := KubectlCommand(g, r), "kubectl --context mgmt"; got != want {
		t.Errorf("KubectlCommand from $KUBECONFIG = %s, want %s", got, want)
	}
}
