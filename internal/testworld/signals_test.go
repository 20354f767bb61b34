package testworld_test

import (
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
