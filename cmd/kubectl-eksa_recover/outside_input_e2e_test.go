package main_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestStatus_ControlCharactersFromTheCluster: a Machine whose phase and
// Ready condition carry terminal escapes (a screen clear, a window title, a
// bell), as anyone who may write its status can plant, is shown with them
// escaped; the terminal never receives them.
func TestStatus_ControlCharactersFromTheCluster(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	dyn, err := dynamic.NewForConfig(w.Bootstrap.Config)
	if err != nil {
		t.Fatal(err)
	}
	machines := dyn.Resource(schema.GroupVersionResource{Group: eksa.GroupCAPI, Version: string(w.Flavour), Resource: "machines"}).Namespace(eksa.Namespace)
	list, err := machines.List(t.Context(), metav1.ListOptions{})
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("listing the Machines in KinD: %d, %v", len(list.Items), err)
	}
	m := &list.Items[0]
	_ = unstructured.SetNestedField(m.Object, "Running\x1b[2J", "status", "phase")
	_ = unstructured.SetNestedSlice(m.Object, []any{map[string]any{"type": "Ready", "status": "False", "lastTransitionTime": "2026-11-27T19:00:00Z",
		"reason": "Hostile\a", "severity": "Error", "message": "\x1b]0;pwned\a\rALL GOOD"}}, "status", "conditions")
	if _, err := machines.UpdateStatus(t.Context(), m, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status", "--vsphere=false"}, {"status", "--vsphere=false", "-o", "wide"}} {
		res := run(t, w.Dir, args...)
		if i := strings.IndexFunc(res.stdout, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }); i >= 0 {
			t.Errorf("%v printed control character %q raw:\n%q", args, res.stdout[i], res.stdout)
		}
		for _, want := range []string{`Running\x1b[2J`, `\x1b]0;pwned\x07\x0dALL GOOD`, `Hostile\x07`} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("%v does not show %s escaped:\n%s", args, want, res.stdout)
			}
		}
	}
}

// TestClusterName_NeverLeavesTheWorkspace: a --cluster-name that is not a
// Kubernetes name (a path out of the workspace) is refused in one line by
// every command that writes files, and nothing is written anywhere.
func TestClusterName_NeverLeavesTheWorkspace(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	ws := filepath.Join(root, "a", "b", "ws")
	l := eksa.Layout{Workspace: ws, Cluster: "cluster3"}
	if err := os.MkdirAll(l.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	writeKubeconfig(t, l.ManagementKubeconfig(), "https://127.0.0.1:1")
	before := tree(t, root)
	for _, args := range [][]string{
		{"bundle"}, {"backup"}, {"move", "--yes"}, {"resume", "--yes"}, {"status"},
	} {
		for _, name := range []string{"../../etc", "a/b", "Cluster3"} {
			// --kubeconfig too: with it, a --cluster-name needs no folder
			// of its name, which is how ../../etc got through.
			res := run(t, ws, append(args, "--cluster-name", name, "--kubeconfig", l.ManagementKubeconfig())...)
			if res.code != 1 || !strings.Contains(res.stderr, "is not a cluster name") || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
				t.Errorf("%v --cluster-name %s = exit %d, stderr %q; want exit 1 and one line", args, name, res.code, res.stderr)
			}
		}
	}
	if after := tree(t, root); !slices.Equal(before, after) {
		t.Errorf("the refused commands wrote files: before %v, after %v", before, after)
	}
}

func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestErrors_ControlCharacters: the one error line never carries a
// control character raw, whatever text it quotes (here a path; a webhook's
// denial is another).
func TestErrors_ControlCharacters(t *testing.T) {
	t.Parallel()
	res := run(t, t.TempDir(), "status", "--workspace", "/nonexistent/\x1b]0;pwned\a\x1b[2J")
	if res.code != 1 || strings.ContainsAny(res.stderr, "\x1b\a") || !strings.Contains(res.stderr, `\x1b]0;pwned\x07`) {
		t.Errorf("status --workspace <escapes> = exit %d, stderr %q; want exit 1 and the escapes shown escaped", res.code, res.stderr)
	}
}
