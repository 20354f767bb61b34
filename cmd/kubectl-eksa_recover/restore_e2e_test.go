package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
)

func restoreStatusJSON(t *testing.T, dir string) statusJSON {
	t.Helper()
	res := run(t, dir, "status", "-o", "json")
	var got statusJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("status -o json is not JSON: %v\n%s%s", err, res.stdout, res.stderr)
	}
	return got
}

// restoreArgs turns status's first next step into the plugin's arguments,
// so the test runs exactly what a user would paste.
func restoreArgs(t *testing.T, st statusJSON) []string {
	t.Helper()
	if st.State != "Missing" || len(st.NextSteps) == 0 {
		t.Fatalf("status = %s %+v, want Missing with a next step", st.State, st.NextSteps)
	}
	cmd := st.NextSteps[0].Command
	fields := strings.Fields(cmd)
	if !strings.HasPrefix(cmd, "kubectl eksa-recover restore --from ") || strings.ContainsAny(cmd, `'"`) || len(fields) != 5 {
		t.Fatalf("first next step = %q, want `kubectl eksa-recover restore --from <dir>` with a plain path", cmd)
	}
	return fields[2:]
}

// TestRestore_MissingRecovery: status says Missing and names the eksctl
// backup; its exact command refuses without --yes, plans with --dry-run,
// restores with --yes; status then asks for the eksctl rerun.
func TestRestore_MissingRecovery(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing})
	args := restoreArgs(t, restoreStatusJSON(t, w.Dir))
	n := len(w.Cluster3().Objects)
	objects := w.StateForTest(t)

	res := run(t, w.Dir, args...)
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != 1 || !strings.Contains(lines[len(lines)-1], "pass --yes") || res.stdout != "" {
		t.Errorf("restore without a terminal or --yes = exit %d, stdout %q, stderr %q; want exit 1 ending in one line asking for --yes", res.code, res.stdout, res.stderr)
	}
	if st := restoreStatusJSON(t, w.Dir); st.State != "Missing" {
		t.Errorf("status after the refused restore = %s, want Missing: nothing may be written", st.State)
	}

	res = run(t, w.Dir, append(args, "--dry-run")...)
	if res.code != 0 || !strings.Contains(res.stderr, "group 1: ") || !strings.Contains(res.stderr, "Dry run: nothing was changed") {
		t.Errorf("restore --dry-run = exit %d, stderr %q; want the plan and exit 0", res.code, res.stderr)
	}
	if st := restoreStatusJSON(t, w.Dir); st.State != "Missing" {
		t.Errorf("status after the dry run = %s, want Missing", st.State)
	}
	testworld.CheckUnchanged(t, "restore without --yes, then with --dry-run", objects, w.StateForTest(t))

	res = run(t, w.Dir, append(args, "--yes")...)
	if res.code != 0 {
		t.Fatalf("restore --yes = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if want := args[2] + " has no manifest (written by eksctl): its files are used unchecked"; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
	}
	for _, want := range []string{
		"Restored 32 objects from " + args[2] + ": 32 created, 0 already there and skipped, 0 updated",
		"Unpaused: cluster3",
		"Verified: the management cluster holds all 32 objects, as backed up",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("restore --yes stdout does not say %q:\n%s", want, res.stdout)
		}
	}
	if n != 32 {
		t.Fatalf("the world's cluster3 has %d objects; this test's expected output assumes 32", n)
	}

	testworld.CheckOwners(t, w.Management, 20)

	// The objects are home without status (the controllers rebuild it), so
	// the upgrade reads as cut off, as after a move: the eksctl rerun is next
	// (EKS-A v0.16's own pause annotations do not block it; it clears them).
	st := restoreStatusJSON(t, w.Dir)
	if st.State != "UpgradeIncomplete" || len(st.Machines) != 3 || len(st.NextSteps) == 0 ||
		!strings.HasPrefix(st.NextSteps[len(st.NextSteps)-1].Command, "eksctl anywhere upgrade cluster -f ") {
		t.Errorf("status after the restore = %s with %d machines, next %+v; want UpgradeIncomplete, 3 machines, the eksctl rerun", st.State, len(st.Machines), st.NextSteps)
	}
	for _, s := range st.NextSteps {
		if strings.Contains(s.Command, "restore") || strings.Contains(s.Command, "--force-cleanup") {
			t.Errorf("next step after the restore = %q", s.Command)
		}
	}

	res = run(t, w.Dir, append(args, "--yes")...)
	if res.code != 0 || !strings.Contains(res.stdout, "0 created, 32 already there and skipped, 0 updated") {
		t.Errorf("second restore = exit %d, stdout %q, stderr %q; want everything skipped", res.code, res.stdout, res.stderr)
	}
}

// TestRestore_BadBackup: a corrupt or truncated backup, a plugin backup
// without its manifest (unless --force), or no --from, is one line, exit
// 1, and nothing written; the same backup whole restores,
// leaving cluster3 paused as it recorded it.
func TestRestore_BadBackup(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Missing})
	eksctlDirs, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), eksa.BootstrapBackupPrefix+"*"))
	if len(eksctlDirs) != 1 {
		t.Fatalf("the world wrote %d eksctl backups, want 1", len(eksctlDirs))
	}
	objs, _, _ := backup.Read(eksctlDirs[0])
	machineFile := ""
	for _, o := range objs {
		if o.GetKind() == "Machine" {
			machineFile = backup.FileName(o)
		}
	}
	pluginBackup := func(name string) string {
		g := &mover.Graph{Objects: map[objgraph.Key]*unstructured.Unstructured{}}
		for _, o := range objs {
			g.Objects[objgraph.KeyOf(o)] = o
			if o.GetKind() == "Cluster" {
				// As a backup taken from a stranded KinD records it.
				_ = unstructured.SetNestedField(o.Object, true, "spec", "paused")
			}
		}
		dir := filepath.Join(t.TempDir(), name)
		if _, err := backup.Write(dir, "cluster3", "test", time.Now(), backup.Set{Source: "bootstrap", Objects: g.Sorted()}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	corrupt := pluginBackup("corrupt")
	if err := os.WriteFile(filepath.Join(corrupt, machineFile), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	truncated := pluginBackup("truncated")
	if err := os.Remove(filepath.Join(truncated, machineFile)); err != nil {
		t.Fatal(err)
	}
	// A plugin backup whose manifest was removed: how a tampered one would
	// hide its changes.
	unchecked := pluginBackup(eksa.PluginBackupPrefix + "2026-11-27T19_02_34")
	if err := os.Remove(backup.ManifestPath(unchecked)); err != nil {
		t.Fatal(err)
	}
	objects := w.StateForTest(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"manifest removed", []string{"restore", "--from", unchecked, "--yes"}, unchecked + " is named as this plugin names its backups but its manifest " +
			backup.ManifestPath(unchecked) + " is missing, so its files cannot be checked: restore from another backup, or use them unchecked with restore --force"},
		{"corrupt", []string{"restore", "--from", corrupt, "--yes"}, "backup " + corrupt + " is corrupt: " + machineFile + " does not match its manifest"},
		{"truncated", []string{"restore", "--from", truncated, "--yes"}, "backup " + truncated + " is truncated: " + machineFile + " is missing"},
		{"no --from", []string{"restore", "--yes"}, `required flag(s) "from" not set`},
		{"empty folder", []string{"restore", "--from", t.TempDir(), "--yes"}, "holds no object files"},
	}
	for _, tt := range tests {
		res := run(t, w.Dir, tt.args...)
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if res.code != 1 || len(lines) != 1 || !strings.Contains(res.stderr, tt.want) || res.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and one line containing %q", tt.name, res.code, res.stdout, res.stderr, tt.want)
		}
	}
	// --force takes it, saying its files are used unchecked.
	if res := run(t, w.Dir, "restore", "--from", unchecked, "--force", "--dry-run"); res.code != 0 ||
		!strings.Contains(res.stderr, unchecked+" has no manifest, although this plugin wrote it: its files are used unchecked, as --force asks") {
		t.Errorf("restore --force --dry-run of a plugin backup without its manifest = exit %d, stderr %q; want 0, the files used unchecked", res.code, res.stderr)
	}
	if st := restoreStatusJSON(t, w.Dir); st.State != "Missing" {
		t.Errorf("status after the refused restores = %s, want Missing: nothing may be written", st.State)
	}
	testworld.CheckUnchanged(t, "the refused restores", objects, w.StateForTest(t))

	// The same backup whole: restored, and cluster3 left paused as recorded.
	res := run(t, w.Dir, "restore", "--from", pluginBackup("whole"), "--yes")
	if res.code != 0 || !strings.Contains(res.stdout, "Left paused, as the backup recorded them: cluster3") || strings.Contains(res.stderr, "no manifest") {
		t.Fatalf("restore of a whole plugin backup = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if st := restoreStatusJSON(t, w.Dir); st.State != "PausedAfterFailure" || len(st.NextSteps) == 0 || st.NextSteps[0].Command != "kubectl eksa-recover resume" {
		t.Errorf("status after restoring a paused backup = %s %+v, want PausedAfterFailure naming resume first", st.State, st.NextSteps)
	}
}

// TestRestore_RefusesWhileInKinD: with the objects stranded in KinD a
// restore would make a second live copy; it points to move instead.
func TestRestore_RefusesWhileInKinD(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	dirs, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), eksa.BootstrapBackupPrefix+"*"))
	if len(dirs) != 1 {
		t.Fatalf("the world wrote %d eksctl bootstrap backups, want 1", len(dirs))
	}
	objects := w.StateForTest(t)
	res := run(t, w.Dir, "restore", "--from", dirs[0], "--yes")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != 1 || !strings.Contains(lines[len(lines)-1], "the KinD cluster still holds 32 of cluster3's objects") ||
		!strings.Contains(lines[len(lines)-1], "kubectl eksa-recover move") || res.stdout != "" {
		t.Errorf("restore while stranded = exit %d, stdout %q, stderr %q; want exit 1 pointing to move", res.code, res.stdout, res.stderr)
	}
	if st := restoreStatusJSON(t, w.Dir); st.State != "StrandedInBootstrap" {
		t.Errorf("status after the refused restore = %s, want StrandedInBootstrap", st.State)
	}
	testworld.CheckUnchanged(t, "the refused restore", objects, w.StateForTest(t))
}
