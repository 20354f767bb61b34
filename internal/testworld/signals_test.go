package testworld_test

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestWorld_ResetInPlaceTurnsSignalsGreen: a world reset in place from one
// signal scenario into another carries none of the first's red over, and a
// reset to Healthy leaves every signal green. The EKS-A version and the
// workers are pinned so that every scenario has the world's shape: the
// world has no KinD, so Reset can only take the in-place path.
func TestWorld_ResetInPlaceTurnsSignalsGreen(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.ControllerCrash, EKSAVersion: "v0.22.0", Workers: 1})
	for _, s := range []testworld.Scenario{testworld.CNINotReady, testworld.DrainBlocked, testworld.MHCPausedInPlace, testworld.Healthy} {
		if err := w.Reset(t.Context(), s); err != nil {
			t.Fatalf("Reset(%s): %v", s, err)
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
			t.Errorf("after Reset(%s) red = %v", s, red)
		}
		for _, r := range red {
			if strings.Contains(r, "capv-controller-manager") {
				t.Errorf("after Reset(%s) the crash-looping controller is still red", s)
			}
		}
	}
}
