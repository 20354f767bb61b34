package testworld_test

import (
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestWorld_Signals: every healthy world publishes its readiness signals
// all green, of every kind; each turns red alone and back green on restore.
func TestWorld_Signals(t *testing.T) {
	for _, f := range testworld.Flavours {
		for _, p := range testworld.Providers {
			t.Run(string(f)+"/"+string(p), func(t *testing.T) {
				w := startWorld(t, testworld.Options{Scenario: testworld.Healthy, Flavour: f, Provider: p})
				signals, err := w.Signals(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				kinds := map[testworld.SignalKind]int{}
				for _, s := range signals {
					kinds[s.Kind]++
					if green, err := w.Green(t.Context(), s); err != nil || !green {
						t.Errorf("healthy world: %s green = %v (%v), want true", s, green, err)
					}
				}
				for _, k := range []testworld.SignalKind{testworld.SignalCondition, testworld.SignalFailureMessage,
					testworld.SignalDeployment, testworld.SignalDaemonSet, testworld.SignalNode} {
					if kinds[k] == 0 {
						t.Errorf("no %s signal among %d", k, len(signals))
					}
				}
				for _, s := range signals {
					restore, err := w.TurnRed(t.Context(), s, 2*time.Hour)
					if err != nil {
						t.Fatalf("TurnRed(%s): %v", s, err)
					}
					if green, _ := w.Green(t.Context(), s); green {
						t.Errorf("TurnRed(%s) left it green", s)
					}
					if err := restore(t.Context()); err != nil {
						t.Fatalf("restoring %s: %v", s, err)
					}
					if green, _ := w.Green(t.Context(), s); !green {
						t.Errorf("restoring %s left it red", s)
					}
				}
				t.Logf("%d signals turned red and back: %v", len(signals), kinds)
			})
		}
	}
}

// TestWorld_ResetInPlaceTurnsSignalsGreen: a world reset from one signal
// scenario into another carries none of the first's red over, and a reset
// to Healthy leaves every signal green.
func TestWorld_ResetInPlaceTurnsSignalsGreen(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.ControllerCrash})
	for _, s := range []testworld.Scenario{testworld.CNINotReady, testworld.DrainBlocked, testworld.MHCPausedInPlace, testworld.Healthy} {
		if err := w.ResetInPlace(t.Context(), s); err != nil {
			t.Fatalf("ResetInPlace(%s): %v", s, err)
		}
		signals, err := w.Signals(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var red []string
		for _, sig := range signals {
			if green, err := w.Green(t.Context(), sig); err != nil || !green {
				red = append(red, sig.String())
			}
		}
		if s == testworld.Healthy && len(red) > 0 || s != testworld.Healthy && len(red) == 0 {
			t.Errorf("after ResetInPlace(%s) red = %v", s, red)
		}
		for _, r := range red {
			if strings.Contains(r, "capv-controller-manager") {
				t.Errorf("after ResetInPlace(%s) the crash-looping controller is still red", s)
			}
		}
	}
}
