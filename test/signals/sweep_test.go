// Package signals holds the sweep that keeps "Healthy is earned" true:
// every readiness signal each healthy world publishes, turned red alone,
// must cost the verdict Healthy and be named by a finding.
package signals

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// binary is the plugin TestMain builds: the sweep asks it, as a user would,
// what status says.
var binary string

// TestMain builds the plugin once (not under -short, where the sweep
// skips), and silences the API server's deprecation warnings, as the binary
// does (pkg/kube's handler): the sweep's own reads and writes run in the
// test's process.
func TestMain(m *testing.M) {
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "eksa-recover-signals")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "kubectl-eksa_recover")
	if out, err := exec.Command("go", "build", "-o", binary, "../../cmd/kubectl-eksa_recover").CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		panic("building the plugin: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestStatus_EveryRedSignalCostsHealthy starts the healthy world of each
// provider and contract (vSphere's with a workload cluster, whose objects
// management holds too), checks every signal the server holds reads green
// and the binary's `status -o json` says Healthy and exits 0, then turns
// each readiness signal red, one at a time (as its controller would, two
// hours ago), checks the server holds it red, and runs the binary's status
// again: it must exit 2, its state must not be Healthy and a finding must
// name the object. Restored, the signal reads green again on the server. It
// prints how many signals it turned red of each kind, and fails unless it
// covered every kind.
func TestStatus_EveryRedSignalCostsHealthy(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the sweep starts twelve worlds")
	}
	total := map[testworld.SignalKind]int{}
	workloadSignals := 0
	for _, f := range testworld.Flavours {
		for _, p := range testworld.Providers {
			t.Run(string(f)+"/"+string(p), func(t *testing.T) {
				opts := testworld.Options{Scenario: testworld.Healthy, Flavour: f, Provider: p}
				if p == testworld.VSphere {
					opts.WorkloadClusters = 1
				}
				w := testworld.StartForTest(t, opts)
				home := t.TempDir()
				signals, err := w.Signals(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range signals {
					if green, err := w.Green(t.Context(), s); err != nil || !green {
						t.Errorf("the healthy world: %s green = %v (%v), want true", s, green, err)
					}
				}
				if r := status(t, w, home); r.code != 0 || r.err != nil || r.doc.State != "Healthy" {
					t.Fatalf("the healthy world: status exit %d, state %q (%v), want exit 0 and Healthy; findings %s; stderr: %s",
						r.code, r.doc.State, r.err, r.findings(), r.stderr)
				}
				for _, s := range signals {
					restore, err := w.TurnRed(t.Context(), s, 2*time.Hour)
					if err != nil {
						t.Fatalf("TurnRed(%s): %v", s, err)
					}
					if green, err := w.Green(t.Context(), s); err != nil || green {
						t.Fatalf("TurnRed(%s) left it green on the server (%v)", s, err)
					}
					if strings.HasPrefix(s.Name, "w01") {
						workloadSignals++
					}
					r := status(t, w, home)
					if r.code != 2 {
						t.Errorf("%s red: status exit %d, want 2 (state %q); stderr: %s", s, r.code, r.doc.State, r.stderr)
					}
					switch {
					case r.err != nil:
						t.Errorf("%s red: status -o json: %v", s, r.err)
					case r.doc.State == "Healthy":
						t.Errorf("%s red: status says Healthy (%s)", s, r.doc.Summary)
					case !r.named(s):
						t.Errorf("%s red: state %s, but no finding names %s %s: %s", s, r.doc.State, s.ObjectKind, s.Name, r.findings())
					}
					total[s.Kind]++
					if err := restore(t.Context()); err != nil {
						t.Fatalf("restoring %s: %v", s, err)
					}
					if green, err := w.Green(t.Context(), s); err != nil || !green {
						t.Fatalf("restoring %s left it red on the server (%v)", s, err)
					}
				}
			})
		}
	}
	t.Logf("signals turned red, by kind: %v; of them a workload cluster's: %d", total, workloadSignals)
	if workloadSignals == 0 && !t.Failed() {
		t.Errorf("the sweep turned no workload cluster's signal red")
	}
	for _, k := range []testworld.SignalKind{testworld.SignalCondition, testworld.SignalReadyField, testworld.SignalFailureMessage,
		testworld.SignalDeployment, testworld.SignalDaemonSet, testworld.SignalNode, testworld.SignalObservedGeneration} {
		if total[k] == 0 && !t.Failed() {
			t.Errorf("the sweep turned no %s signal red: it does not cover every kind", k)
		}
	}
}

// statusRun is what one `status -o json` said: its exit code, its stderr,
// and its document, or why stdout is not one.
type statusRun struct {
	code   int
	stderr string
	err    error
	doc    struct {
		State    string `json:"state"`
		Summary  string `json:"summary"`
		Findings []struct {
			Code    string `json:"code"`
			Object  string `json:"object"`
			Message string `json:"message"`
		} `json:"findings"`
	}
}

// status runs the binary's `status -o json` in the world's folder, as the
// binary tests do: a clean environment (no KUBECONFIG, HOME empty), so only
// the workspace's kubeconfigs are read, and without vCenter, as the worlds
// have none with credentials.
func status(t *testing.T, w *testworld.World, home string) statusRun {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, "status", "-o", "json", "--vsphere=false")
	cmd.Dir = w.Dir
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	var r statusRun
	var exit *exec.ExitError
	if err := cmd.Run(); errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s status: %v", binary, err)
	}
	r.stderr = errOut.String()
	if err := json.Unmarshal(out.Bytes(), &r.doc); err != nil {
		r.err = fmt.Errorf("stdout is not JSON: %v\n%s", err, out.String())
	}
	return r
}

// named: a finding is about the signal's object, or says its kind and name.
func (r statusRun) named(s testworld.Signal) bool {
	ref := s.ObjectKind + "/" + strings.TrimPrefix(s.Namespace+"/"+s.Name, "/")
	for _, f := range r.doc.Findings {
		if f.Object == ref || strings.Contains(f.Message, s.ObjectKind+" "+s.Name) ||
			strings.Contains(f.Message, s.ObjectKind+" "+s.Namespace+"/"+s.Name) || strings.Contains(f.Message, ref) {
			return true
		}
	}
	return false
}

func (r statusRun) findings() string {
	if len(r.doc.Findings) == 0 {
		return "none"
	}
	var out []string
	for _, f := range r.doc.Findings {
		out = append(out, fmt.Sprintf("%s %s: %s", f.Code, f.Object, f.Message))
	}
	return strings.Join(out, "\n  ")
}
