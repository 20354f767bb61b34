package main_test

import (
	"encoding/hex"
	"path/filepath"
	"regexp"
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

// checkNoNeedlesIn fails t for each needle found on the command's output,
// as printed or inside a hex dump: client-go logs a body that is not text
// (protobuf) as hex.Dump, 16 bytes a line, where no needle reads whole.
func checkNoNeedlesIn(t *testing.T, what string, res result, needles []needle) {
	t.Helper()
	for _, n := range needles {
		for stream, out := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
			if strings.Contains(out, n.text) {
				t.Errorf("%s printed %s on %s (%.10s...)", what, n.what, stream, n.text)
			} else if strings.Contains(undumped(out), n.text) {
				t.Errorf("%s printed %s on %s, in a hex dump (%.10s...)", what, n.what, stream, n.text)
			}
		}
	}
}

// dumpLine is one line of hex.Dump: offset, up to 16 hex bytes, |text|.
var dumpLine = regexp.MustCompile(`(?m)^\s*[0-9a-f]{8}  ((?:[0-9a-f]{2}  ?)+)`)

// undumped is the bytes of every hex dump in s, joined in order.
func undumped(s string) string {
	var out []byte
	for _, m := range dumpLine.FindAllStringSubmatch(s, -1) {
		b, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", ""))
		if err == nil {
			out = append(out, b...)
		}
	}
	return string(out)
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
