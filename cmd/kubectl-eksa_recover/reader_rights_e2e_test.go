package main_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestReaders_Rights: verify and bundle as a user bound to exactly the
// documented reader role do what the README's exit codes say (verify:
// Verified, exit 0; bundle: written, exit 0, the healthy world Healthy
// with no read refused). As a user bound to the role less Secrets, the
// refused read is named where the user looks: verify exits 1 with one line
// naming it and the role to bind, never Verified; bundle still writes its
// archive (exit 0) but says on stderr which reads were refused, its state
// is not Healthy, and its status.json holds the ReadRefused findings.
func TestReaders_Rights(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	backup := filepath.Join(t.TempDir(), "backup")
	if res := run(t, w.Dir, "backup", "--to", backup); res.code != 0 {
		t.Fatalf("backup as the admin = exit %d\nstderr: %s", res.code, tail(res.stderr, 1500))
	}
	bindRole(t, w, "eksa-recover-reader", "reader", "", "")
	bindEdited(t, w, "eksa-recover-reader", "nosecrets", withoutResource("secrets"))
	before := w.StateForTest(t)

	t.Run("verify as the reader role", func(t *testing.T) {
		res := run(t, w.Dir, append([]string{"verify", "--from", backup}, asUser(w, "reader")...)...)
		noTrace(t, res)
		if res.code != 0 || !strings.HasPrefix(res.stdout, "Verified: ") || strings.Contains(res.stderr, "forbidden") {
			t.Errorf("verify as the reader role = exit %d; want exit 0, Verified, nothing forbidden\nstdout: %s\nstderr: %s", res.code, res.stdout, tail(res.stderr, 1500))
		}
	})
	t.Run("verify without Secrets", func(t *testing.T) {
		res := run(t, w.Dir, append([]string{"verify", "--from", backup}, asUser(w, "nosecrets")...)...)
		noTrace(t, res)
		last := lastLine(res.stderr)
		if res.code != 1 || strings.Contains(res.stdout, "Verified") || strings.Count(res.stderr, "error") != 1 ||
			!strings.HasPrefix(last, "error: ") || !strings.Contains(last, `"secrets"`) || !strings.Contains(last, `User "nosecrets"`) ||
			!strings.Contains(last, "eksa-recover-reader") {
			t.Errorf("verify as a user without Secrets = exit %d; want exit 1, not Verified, one error line, last, naming the refused secrets, the user and the role to bind\nstdout: %s\nstderr: %s",
				res.code, res.stdout, res.stderr)
		}
	})
	t.Run("bundle as the reader role", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "reader.tar.gz")
		res := run(t, w.Dir, append([]string{"bundle", "--vsphere=false", "--to", to}, asUser(w, "reader")...)...)
		noTrace(t, res)
		status := bundleStatus(t, res, to)
		if res.code != 0 || !strings.Contains(res.stdout, "state Healthy") || status.State != "Healthy" || len(refusedReads(status)) > 0 || strings.Contains(res.stderr, "could not read") {
			t.Errorf("bundle as the reader role = exit %d, status.json %s %v; want exit 0, Healthy, no read refused\nstdout: %s\nstderr: %s",
				res.code, status.State, refusedReads(status), res.stdout, tail(res.stderr, 1500))
		}
	})
	t.Run("bundle without Secrets", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "nosecrets.tar.gz")
		res := run(t, w.Dir, append([]string{"bundle", "--vsphere=false", "--to", to}, asUser(w, "nosecrets")...)...)
		noTrace(t, res)
		status := bundleStatus(t, res, to)
		refused := refusedReads(status)
		if res.code != 0 || status.State == "Healthy" || status.State == "" || !strings.Contains(res.stdout, "state "+status.State) ||
			len(refused) == 0 || !strings.Contains(refused[0], "secrets") {
			t.Errorf("bundle as a user without Secrets = exit %d, status.json %q, refused %v; want exit 0, a state that is not Healthy, ReadRefused naming secrets\nstdout: %s\nstderr: %s",
				res.code, status.State, refused, res.stdout, tail(res.stderr, 1500))
		}
		if !strings.Contains(res.stderr, "list secrets in eksa-system") || !strings.Contains(res.stderr, "eksa-recover-reader") {
			t.Errorf("bundle as a user without Secrets does not say on stderr that listing secrets in eksa-system was refused, nor the role to bind:\n%s", res.stderr)
		}
	})
	testworld.CheckUnchanged(t, "verify and bundle as readers", before, w.StateForTest(t))
}

// bundleStatus is the status.json of the archive bundle wrote to to.
func bundleStatus(t *testing.T, res result, to string) statusJSON {
	t.Helper()
	var status statusJSON
	if res.code != 0 {
		return status
	}
	files := untar(t, to)
	if err := json.Unmarshal([]byte(files["status.json"]), &status); err != nil {
		t.Errorf("the archive's status.json: %v", err)
	}
	return status
}

// refusedReads are the messages of status's ReadRefused findings.
func refusedReads(s statusJSON) []string {
	var out []string
	for _, f := range s.Findings {
		if f.Code == "ReadRefused" {
			out = append(out, f.Message)
		}
	}
	return slices.Clip(out)
}

// noTrace fails t when the run printed a Go trace: a refusal is words.
func noTrace(t *testing.T, res result) {
	t.Helper()
	if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic") {
		t.Errorf("printed a trace:\n%s", tail(res.stderr, 1500))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestReaders_RefusedOnBoth: with KinD up, verify and status read both
// clusters. As a user bound to the reader role less Secrets on both, verify
// is refused on both and still gets one line (exit 1) naming the read on
// each cluster and the role, never two lines, never Verified; status names
// the read KinD refused too (it counts what KinD holds short of its Secrets).
func TestReaders_RefusedOnBoth(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	bindEdited(t, w, "eksa-recover-reader", "nosecrets", withoutResource("secrets"))
	res := run(t, w.Dir, append([]string{"verify", "--from", worldBackups(t, w)[0]}, asUser(w, "nosecrets")...)...)
	noTrace(t, res)
	last := lastLine(res.stderr)
	if res.code != 1 || strings.Contains(res.stdout, "Verified") || strings.Count(res.stderr, "error") != 1 || !strings.HasPrefix(last, "error: verify could not read") ||
		!strings.Contains(last, "Secret in the management cluster") || !strings.Contains(last, "Secret in the bootstrap cluster") || !strings.Contains(last, "eksa-recover-reader") {
		t.Errorf("verify as a user without Secrets on both clusters = exit %d; want exit 1, one error line, last, naming the Secrets refused on each cluster and the role\nstdout: %s\nstderr: %s",
			res.code, res.stdout, res.stderr)
	}

	res = run(t, w.Dir, append([]string{"status", "--vsphere=false", "-o", "json"}, asUser(w, "nosecrets")...)...)
	noTrace(t, res)
	var got statusJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 2 || got.State == "Healthy" {
		t.Fatalf("status as a user without Secrets on both = exit %d, state %q (%v); want a verdict, exit 2\nstderr: %s", res.code, got.State, err, tail(res.stderr, 1500))
	}
	if !slices.ContainsFunc(refusedReads(got), func(m string) bool {
		return strings.HasPrefix(m, "on the KinD bootstrap cluster, could not list secrets in namespace eksa-system")
	}) {
		t.Errorf("status as a user without Secrets on both names no read refused on KinD: %v", refusedReads(got))
	}
}

// TestStatus_KinDReadInPartIsNotEmpty: validation failed, the objects are
// home and KinD was left behind with nothing in it, so status offers to
// delete it. Read on KinD as a user who may not list Secrets (management
// read whole), KinD answers but not whole: what it holds is not known, and
// no step deletes it or forces a Machine out.
func TestStatus_KinDReadInPartIsNotEmpty(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.ValidationFailed})
	bindRole(t, w, "eksa-recover-reader", "reader", "", "")
	bindEdited(t, w, "eksa-recover-reader", "nosecrets", withoutResource("secrets"))
	deletes := func(bootstrapUser string) []string {
		res := run(t, w.Dir, "status", "--vsphere=false", "-o", "json", "--as", "reader", "--bootstrap-as", bootstrapUser)
		var got struct {
			State     string `json:"state"`
			NextSteps []struct {
				Command string `json:"command"`
			} `json:"nextSteps"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
			t.Fatalf("status as %s on KinD: %v\nstdout: %s\nstderr: %s", bootstrapUser, err, res.stdout, tail(res.stderr, 1500))
		}
		var out []string
		for _, s := range got.NextSteps {
			if strings.Contains(s.Command, "kind delete") || strings.Contains(s.Command, "--force-cleanup") || strings.Contains(s.Command, "finalizers") {
				out = append(out, s.Command)
			}
		}
		return out
	}
	// The read whole: the world's KinD is empty, and status says so by
	// offering its deletion (else the case below would prove nothing).
	if got := deletes("reader"); len(got) == 0 {
		t.Fatalf("as the reader role, status offers no deletion of the empty KinD left behind: the test would prove nothing")
	}
	if got := deletes("nosecrets"); len(got) > 0 {
		t.Errorf("read on KinD as a user who may not list its Secrets, status suggests %q: KinD was not read whole and may hold them", got)
	}
}
