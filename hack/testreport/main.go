// Command testreport runs `go test -json` with the arguments it is given and
// prints what a person reads from `go test`: each package's ok or FAIL line
// and the output of every failing test, as they come; then how many tests
// ran, passed, failed and skipped, and why they skipped.
//
// With -no-skips (make test) the run fails when any test skipped, and GOFLAGS
// that choose which tests run (-short, -run, -skip, -list) are refused before
// anything runs: make test runs every test, and a skipped test is one that
// proved nothing. It never changes the arguments go test gets, so the run
// takes as long as go test alone.
//
//	go run ./hack/testreport -no-skips -- -count=1 -timeout 40m ./...
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

func main() {
	noSkips := flag.Bool("no-skips", false, "fail the run when any test skipped, and refuse GOFLAGS that choose tests")
	flag.Parse()
	if *noSkips {
		if err := checkGOFLAGS(); err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
	}
	start := time.Now()
	r := newReport(os.Stdout)
	passed, err := goTest(r, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	r.summary(*noSkips)
	fmt.Printf("in %s\n", time.Since(start).Round(time.Second))
	if !r.ok(passed, *noSkips) {
		os.Exit(1)
	}
}

// goTest runs go test -json args, feeding its events to r; it reports
// whether go test exited 0. Its stderr (downloads, vet) passes through.
func goTest(r *report, args []string) (bool, error) {
	cmd := exec.Command("go", append([]string{"test", "-json"}, args...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return false, err
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("starting go test: %w", err)
	}
	if err := feed(r, stdout); err != nil {
		return false, err
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return false, nil
	}
	return err == nil, err
}

// feed reads go test's JSON lines into r; a line that is not an event
// (go test prints some errors before any test starts) is printed as is.
func feed(r *report, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(r.out, sc.Text())
			continue
		}
		r.add(e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading go test's output: %w", err)
	}
	return nil
}

// testSelectingFlags choose which tests run; any of them in GOFLAGS would
// let make test pass with fewer tests than it has.
var testSelectingFlags = []string{"-short", "-run", "-skip", "-list", "-test.short", "-test.run", "-test.skip", "-test.list"}

// checkGOFLAGS refuses GOFLAGS, from the environment or `go env -w`, that
// choose which tests run.
func checkGOFLAGS() error {
	out, err := exec.Command("go", "env", "GOFLAGS").Output()
	if err != nil {
		return fmt.Errorf("reading GOFLAGS with go env: %w", err)
	}
	for _, f := range strings.Fields(string(out)) {
		name, _, _ := strings.Cut(strings.Replace(f, "--", "-", 1), "=")
		for _, bad := range testSelectingFlags {
			if name == bad {
				return fmt.Errorf("GOFLAGS holds %s, which chooses the tests that run; every test runs here: unset it (or `go env -u GOFLAGS`)", f)
			}
		}
	}
	return nil
}
