package globalflags

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
