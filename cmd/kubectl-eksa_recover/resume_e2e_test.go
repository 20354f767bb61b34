package main_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// pluginBackups lists the plugin's backup folders in the world: resume's,
// and move's (which resume must not look like).
func pluginBackups(t *testing.T, w *testworld.World) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(w.Layout.Dir(), "eksa-recover-*backup-*[0-9]"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func state(t *testing.T, w *testworld.World) string {
	t.Helper()
	var got statusJSON
	if res := run(t, w.Dir, "status", "-o", "json"); json.Unmarshal([]byte(res.stdout), &got) != nil {
		t.Fatalf("status -o json is not JSON: %s %s", res.stdout, res.stderr)
	}
	return got.State
}

var planLine = regexp.MustCompile(`Resume plan: clear \d+ pause markers on (\d+) objects`)

// TestResume_PausedInPlace: the dry run and a run without a terminal change
// nothing; --yes clears every marker, one line per object, backed up, and
// changes nothing else (labels and annotations seeded on each); a
// rerun finds nothing to resume.
func TestResume_PausedInPlace(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.PausedInPlace, Flavour: testworld.V1Beta2})
	objects := w.StateForTest(t)

	dry := run(t, w.Dir, "resume", "--dry-run")
	m := planLine.FindStringSubmatch(dry.stderr)
	if dry.code != 0 || m == nil || !strings.Contains(dry.stderr, "Cluster.cluster.x-k8s.io/w01 in eksa-system: spec.paused") {
		t.Fatalf("resume --dry-run = exit %d, stderr %q; want exit 0 and the plan with w01's spec.paused", dry.code, dry.stderr)
	}
	if res := run(t, w.Dir, "resume"); res.code != 1 || !strings.Contains(res.stderr, "pass --yes") || res.stdout != "" {
		t.Errorf("resume without a terminal or --yes = exit %d, %q %q; want exit 1 asking for --yes", res.code, res.stdout, res.stderr)
	}
	if s := state(t, w); s != "PausedAfterFailure" || len(pluginBackups(t, w)) != 0 {
		t.Fatalf("after the dry run and the refused run: state %s, backups %q; want PausedAfterFailure and none", s, pluginBackups(t, w))
	}
	testworld.CheckUnchanged(t, "resume --dry-run, then resume without --yes", objects, w.StateForTest(t))

	targets := seedUnrelated(t, w, parsePlan(t, dry.stderr))
	objects = w.StateForTest(t)
	res := run(t, w.Dir, "resume", "--yes")
	if res.code != 0 {
		t.Fatalf("resume --yes = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	checkOnlyMarkers(t, targets, objects, w.StateForTest(t))
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if fmt.Sprint(len(lines)) != m[1] {
		t.Errorf("resume --yes printed %d lines, want one per object of the plan (%s):\n%s", len(lines), m[1], res.stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "Resumed ") {
			t.Errorf("resume --yes stdout line %q, want \"Resumed <object>: cleared ...\"", l)
		}
	}
	b := pluginBackups(t, w)
	if len(b) != 1 || !strings.Contains(res.stderr, b[0]) || !strings.HasPrefix(filepath.Base(b[0]), "eksa-recover-resume-backup-") {
		t.Fatalf("backups after resume = %q, want one eksa-recover-resume-backup-<time>, named on stderr (%q)", b, res.stderr)
	}
	// It holds EKS-A objects, not the cluster's CAPI objects: status must not
	// list it, or verify and the restore step would take it as the newest.
	if out := run(t, w.Dir, "status", "-o", "json").stdout; strings.Contains(out, b[0]) {
		t.Errorf("status lists resume's backup %s among the cluster's backups", b[0])
	}
	if s := state(t, w); s == "PausedAfterFailure" {
		t.Errorf("status after resume = %s, want the pause gone", s)
	}

	again := run(t, w.Dir, "resume", "--yes")
	if again.code != 0 || !strings.HasPrefix(again.stdout, "Nothing to resume") || len(pluginBackups(t, w)) != 1 {
		t.Errorf("resume --yes again = exit %d, %q, %d backups; want exit 0, \"Nothing to resume\" and no new backup",
			again.code, again.stdout, len(pluginBackups(t, w)))
	}
}

// TestResume_StrandedRefused: while KinD holds the objects, resume --yes
// says to move first, in one line, and changes nothing.
func TestResume_StrandedRefused(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	before, objects := run(t, w.Dir, "status", "-o", "json").stdout, w.StateForTest(t)
	res := run(t, w.Dir, "resume", "--yes")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != 1 || len(lines) != 1 || !strings.Contains(res.stderr, "run `kubectl eksa-recover move` first") || res.stdout != "" {
		t.Errorf("resume --yes on a stranded world = exit %d, stdout %q, stderr %q; want exit 1 and one line pointing to move",
			res.code, res.stdout, res.stderr)
	}
	if after := run(t, w.Dir, "status", "-o", "json").stdout; stripAges(after) != stripAges(before) || len(pluginBackups(t, w)) != 0 {
		t.Errorf("the refused resume changed something: status differs or a backup folder was written (%q)", pluginBackups(t, w))
	}
	testworld.CheckUnchanged(t, "the refused resume", objects, w.StateForTest(t))
}
