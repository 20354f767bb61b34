package main_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// watchAtV9 runs `status --watch -o json -v=9` until its first report and
// a little past it (the watches' lists and their first events are logged
// then), stops it with SIGINT and returns what it printed: a bounded run.
func watchAtV9(t *testing.T, dir string) result {
	t.Helper()
	j := startWatch(t, dir, "status", "--watch", "-o", "json", "-v=9")
	j.waitFor(t, `"state":`, 2*time.Minute)
	time.Sleep(3 * time.Second)
	if err := j.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code := j.wait(t, 30*time.Second)
	return result{stdout: j.stdout(), stderr: j.stderr(), code: code}
}

// checkNoNeedlesIn fails t for each needle found on the command's output.
func checkNoNeedlesIn(t *testing.T, what string, res result, needles []needle) {
	t.Helper()
	for _, n := range needles {
		for stream, out := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
			if strings.Contains(out, n.text) {
				t.Errorf("%s printed %s on %s (%.10s...)", what, n.what, stream, n.text)
			}
		}
	}
}

// theBundle is the one archive bundle wrote in the workspace.
func theBundle(t *testing.T, w *testworld.World) string {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-bundle-*.tar.gz"))
	if len(found) != 1 {
		t.Fatalf("bundle wrote %v, want one eksa-recover-bundle-<time>.tar.gz in %s", found, w.Layout.Dir())
	}
	return found[0]
}
