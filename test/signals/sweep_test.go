// Package signals holds the sweep that keeps "Healthy is earned" true:
// every readiness signal each healthy world publishes, turned red alone,
// must cost the verdict Healthy and be named by a finding.
package signals

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

// TestMain silences the API server's deprecation warnings, as the binary
// does (pkg/kube's handler): the reads here run in the test's process.
func TestMain(m *testing.M) {
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	os.Exit(m.Run())
}

// TestStatus_EveryRedSignalCostsHealthy starts the healthy world of each
// provider and contract (vSphere's with a workload cluster, whose objects
// management holds too), checks every signal the server holds reads green
// and status says Healthy, then turns each readiness signal red, one at a
// time (as its controller would, two hours ago), checks the server holds it
// red, and asks status's pipeline again: the state must not be Healthy and
// a finding must name the object. Restored, the signal reads green again on
// the server. It prints how many signals it turned red of each kind, and
// fails unless it covered every kind.
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
				signals, err := w.Signals(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range signals {
					if green, err := w.Green(t.Context(), s); err != nil || !green {
						t.Errorf("the healthy world: %s green = %v (%v), want true", s, green, err)
					}
				}
				if _, r, err := w.Inspect(t.Context()); err != nil || r.State != diagnose.Healthy {
					t.Fatalf("the healthy world: status = %v (%v), want Healthy; findings %v", state(r), err, findings(r))
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
					_, r, err := w.Inspect(t.Context())
					switch {
					case err != nil:
						t.Errorf("%s red: status failed: %v", s, err)
					case r.State == diagnose.Healthy:
						t.Errorf("%s red: status says Healthy (%s)", s, r.Summary)
					case !named(r, s):
						t.Errorf("%s red: state %s, but no finding names %s %s: %v", s, r.State, s.ObjectKind, s.Name, findings(r))
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
		testworld.SignalDeployment, testworld.SignalDaemonSet, testworld.SignalNode} {
		if total[k] == 0 && !t.Failed() {
			t.Errorf("the sweep turned no %s signal red: it does not cover every kind", k)
		}
	}
}

// named: a finding is about the signal's object, or says its kind and name.
func named(r *diagnose.Report, s testworld.Signal) bool {
	ref := s.ObjectKind + "/" + strings.TrimPrefix(s.Namespace+"/"+s.Name, "/")
	for _, f := range r.Findings {
		if f.Object == ref || strings.Contains(f.Message, s.ObjectKind+" "+s.Name) ||
			strings.Contains(f.Message, s.ObjectKind+" "+s.Namespace+"/"+s.Name) || strings.Contains(f.Message, ref) {
			return true
		}
	}
	return false
}

func state(r *diagnose.Report) diagnose.State {
	if r == nil {
		return ""
	}
	return r.State
}

func findings(r *diagnose.Report) string {
	if r == nil {
		return "none"
	}
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s %s: %s", f.Code, f.Object, f.Message))
	}
	return strings.Join(out, "\n  ")
}
