package main

import (
	"strings"
	"testing"
)

// stream is go test -json's output for a package with a passing test that
// logs, a failing subtest, and a test skipped under -short, then a package
// that does not build (recorded from go 1.26, trimmed).
const stream = `{"Action":"start","Package":"example.com/a"}
{"Action":"run","Package":"example.com/a","Test":"TestPass"}
{"Action":"output","Package":"example.com/a","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"output","Package":"example.com/a","Test":"TestPass","Output":"    a_test.go:9: chatter nobody needs\n"}
{"Action":"output","Package":"example.com/a","Test":"TestPass","Output":"--- PASS: TestPass (0.00s)\n"}
{"Action":"pass","Package":"example.com/a","Test":"TestPass"}
{"Action":"run","Package":"example.com/a","Test":"TestFail"}
{"Action":"output","Package":"example.com/a","Test":"TestFail","Output":"=== RUN   TestFail\n"}
{"Action":"run","Package":"example.com/a","Test":"TestFail/sub"}
{"Action":"output","Package":"example.com/a","Test":"TestFail/sub","Output":"=== RUN   TestFail/sub\n"}
{"Action":"output","Package":"example.com/a","Test":"TestFail/sub","Output":"    a_test.go:14: Move() = 3 objects, want 4\n"}
{"Action":"output","Package":"example.com/a","Test":"TestFail/sub","Output":"--- FAIL: TestFail/sub (0.00s)\n"}
{"Action":"fail","Package":"example.com/a","Test":"TestFail/sub"}
{"Action":"output","Package":"example.com/a","Test":"TestFail","Output":"--- FAIL: TestFail (0.00s)\n"}
{"Action":"fail","Package":"example.com/a","Test":"TestFail"}
{"Action":"run","Package":"example.com/a","Test":"TestWorld"}
{"Action":"output","Package":"example.com/a","Test":"TestWorld","Output":"=== RUN   TestWorld\n"}
{"Action":"output","Package":"example.com/a","Test":"TestWorld","Output":"    fortest.go:18: starts real API servers\n"}
{"Action":"output","Package":"example.com/a","Test":"TestWorld","Output":"--- SKIP: TestWorld (0.00s)\n"}
{"Action":"skip","Package":"example.com/a","Test":"TestWorld"}
{"Action":"output","Package":"example.com/a","Output":"FAIL\n"}
{"Action":"output","Package":"example.com/a","Output":"FAIL\texample.com/a\t0.004s\n"}
{"Action":"fail","Package":"example.com/a"}
{"ImportPath":"example.com/b","Action":"build-output","Output":"b/b.go:3:2: undefined: syscall.Kill\n"}
{"ImportPath":"example.com/b","Action":"build-fail"}
`

func read(t *testing.T, s string) (*report, string) {
	t.Helper()
	var out strings.Builder
	r := newReport(&out)
	if err := feed(r, strings.NewReader(s)); err != nil {
		t.Fatal(err)
	}
	return r, out.String()
}

func TestReport_PrintsFailuresNotPasses(t *testing.T) {
	r, out := read(t, stream)
	for _, want := range []string{
		"a_test.go:14: Move() = 3 objects, want 4",
		"--- FAIL: TestFail/sub",
		"FAIL\texample.com/a\t0.004s",
		"b/b.go:3:2: undefined: syscall.Kill",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"chatter nobody needs", "=== RUN", "--- PASS"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("output holds %q, which go test without -v leaves out:\n%s", unwanted, out)
		}
	}
	r.summary(false)
	if r.ok(true, false) {
		t.Error("ok() = true for a run with a failing test and a package that does not build")
	}
}

func TestReport_Summary(t *testing.T) {
	tests := []struct {
		name    string
		noSkips bool
		wantOK  bool
		want    []string
	}{
		{"skips counted", false, true, []string{
			"3 tests ran (2 top-level, 1 subtests): 1 passed, 0 failed, 2 skipped",
			"     2  starts real API servers",
		}},
		{"skips fail", true, false, []string{
			"2 tests skipped, and every test must run here",
			"  example.com/a TestWorld: starts real API servers",
			"  example.com/a TestWorld/sub: starts real API servers",
		}},
	}
	// Two skips (one a subtest) and a pass; go test itself passed.
	const skips = `{"Action":"output","Package":"example.com/a","Test":"TestWorld","Output":"    fortest.go:18: starts real API servers\n"}
{"Action":"skip","Package":"example.com/a","Test":"TestWorld"}
{"Action":"output","Package":"example.com/a","Test":"TestWorld/sub","Output":"    fortest.go:18: starts real API servers\n"}
{"Action":"output","Package":"example.com/a","Test":"TestWorld/sub","Output":"--- SKIP: TestWorld/sub (0.00s)\n"}
{"Action":"skip","Package":"example.com/a","Test":"TestWorld/sub"}
{"Action":"pass","Package":"example.com/a","Test":"TestPass"}
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			r := newReport(&out)
			if err := feed(r, strings.NewReader(skips)); err != nil {
				t.Fatal(err)
			}
			r.summary(tt.noSkips)
			for _, want := range tt.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("summary lacks %q:\n%s", want, out.String())
				}
			}
			if got := r.ok(true, tt.noSkips); got != tt.wantOK {
				t.Errorf("ok(go test passed, noSkips=%v) = %v, want %v", tt.noSkips, got, tt.wantOK)
			}
		})
	}
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"    completion_test.go:52: kubectl 1.20 does not complete plugins: install 1.26 or later\n", "--- SKIP: TestX (0.00s)\n"}, "kubectl 1.20 does not complete plugins: install 1.26 or later"},
		{[]string{"--- SKIP: TestX (0.00s)\n"}, "(no reason given)"},
		{[]string{"a line without a file\n"}, "a line without a file"},
	}
	for _, tt := range tests {
		if got := skipReason(tt.lines); got != tt.want {
			t.Errorf("skipReason(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

func TestCheckGOFLAGS(t *testing.T) {
	tests := []struct {
		goflags string
		wantErr string
	}{
		{"", ""},
		{"-mod=mod -count=1", ""},
		{"-short", "GOFLAGS holds -short"},
		{"-mod=mod -run=TestNothing", "GOFLAGS holds -run=TestNothing"},
		{"--skip=World", "GOFLAGS holds --skip=World"},
		{"-test.short=true", "GOFLAGS holds -test.short=true"},
	}
	for _, tt := range tests {
		t.Setenv("GOFLAGS", tt.goflags)
		err := checkGOFLAGS()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("checkGOFLAGS() with GOFLAGS=%q = %v, want nil", tt.goflags, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("checkGOFLAGS() with GOFLAGS=%q = %v, want %q", tt.goflags, err, tt.wantErr)
		}
	}
}
