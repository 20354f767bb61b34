package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json's TestEvent, and the
// build events go test adds to it).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail name the package here
	Test       string
	Output     string
}

type testKey struct{ pkg, test string }

// report reads go test's events and prints what `go test` without -v would:
// each package's result line and the output of every failing test, as they
// come. It counts the tests and keeps each skipped test's reason for the
// summary. It never prints a passing test's output.
type report struct {
	out     io.Writer
	pending map[testKey][]string // output of tests still running

	passed, failed, skipped int
	topLevel                int
	failedPkgs              []string
	skips                   []skip
}

// skip is one skipped test and the last line it logged (t.Skip's message).
type skip struct {
	pkg, test, reason string
}

func newReport(out io.Writer) *report {
	return &report{out: out, pending: map[testKey][]string{}}
}

func (r *report) add(e event) {
	switch e.Action {
	case "build-output":
		fmt.Fprint(r.out, e.Output)
		return
	case "build-fail":
		r.failedPkgs = append(r.failedPkgs, e.ImportPath)
		return
	}
	if e.Test == "" {
		r.addPackage(e)
		return
	}
	k := testKey{e.Package, e.Test}
	switch e.Action {
	case "output":
		// === RUN, PAUSE, CONT and NAME lines only say which test is
		// running; go test without -v leaves them out too.
		if !strings.HasPrefix(e.Output, "=== ") {
			r.pending[k] = append(r.pending[k], e.Output)
		}
	case "pass", "fail", "skip":
		r.finish(k, e.Action)
	}
}

func (r *report) addPackage(e event) {
	switch e.Action {
	case "output":
		// "PASS" and "FAIL" alone precede the package's own ok/FAIL line.
		if e.Output != "PASS\n" && e.Output != "FAIL\n" {
			fmt.Fprint(r.out, e.Output)
		}
	case "fail":
		r.failedPkgs = append(r.failedPkgs, e.Package)
	}
}

func (r *report) finish(k testKey, action string) {
	lines := r.pending[k]
	delete(r.pending, k)
	if !strings.Contains(k.test, "/") {
		r.topLevel++
	}
	switch action {
	case "pass":
		r.passed++
	case "fail":
		r.failed++
		fmt.Fprintf(r.out, "%s:\n", k.pkg)
		for _, l := range lines {
			fmt.Fprint(r.out, l)
		}
	case "skip":
		r.skipped++
		r.skips = append(r.skips, skip{k.pkg, k.test, skipReason(lines)})
	}
}

// skipReason is the last line a skipped test logged before "--- SKIP",
// without its file:line prefix: the message t.Skip was given.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		if file, msg, ok := strings.Cut(l, ": "); ok && strings.Contains(file, ".go:") {
			return msg
		}
		return l
	}
	return "(no reason given)"
}

// summary prints how many tests ran and which were skipped. With
// noSkips every skipped test is listed, since each one fails the run;
// otherwise the skips are counted by reason.
func (r *report) summary(noSkips bool) {
	ran := r.passed + r.failed + r.skipped
	fmt.Fprintf(r.out, "\n%s ran (%d top-level, %d subtests): %d passed, %d failed, %d skipped\n",
		tests(ran), r.topLevel, ran-r.topLevel, r.passed, r.failed, r.skipped)
	if len(r.failedPkgs) > 0 {
		fmt.Fprintf(r.out, "failed packages: %s\n", strings.Join(r.failedPkgs, " "))
	}
	if r.skipped == 0 {
		return
	}
	if noSkips {
		fmt.Fprintf(r.out, "%s skipped, and every test must run here (a skip is a test that did not run):\n", tests(r.skipped))
		for _, s := range r.skips {
			fmt.Fprintf(r.out, "  %s %s: %s\n", s.pkg, s.test, s.reason)
		}
		return
	}
	byReason := map[string]int{}
	for _, s := range r.skips {
		byReason[s.reason]++
	}
	reasons := make([]string, 0, len(byReason))
	for reason := range byReason {
		reasons = append(reasons, reason)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if byReason[reasons[i]] != byReason[reasons[j]] {
			return byReason[reasons[i]] > byReason[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	fmt.Fprintln(r.out, "skipped, by reason:")
	for _, reason := range reasons {
		fmt.Fprintf(r.out, "  %4d  %s\n", byReason[reason], reason)
	}
}

// ok says whether the run passed: go test passed, and with noSkips no
// test was skipped.
func (r *report) ok(goTestPassed, noSkips bool) bool {
	return goTestPassed && r.failed == 0 && len(r.failedPkgs) == 0 && (!noSkips || r.skipped == 0)
}

func tests(n int) string {
	if n == 1 {
		return "1 test"
	}
	return fmt.Sprintf("%d tests", n)
}
