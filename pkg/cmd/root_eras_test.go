package cmd

import (
	"strings"
	"testing"
)

// TestNewCmdRoot_HelpNamesBothEras: a v0.20 user reading --help learns the
// plugin is for them too, and a v0.16 user still finds the KinD round trip.
func TestNewCmdRoot_HelpNamesBothEras(t *testing.T) {
	out, _, err := execute(t, "--help")
	if err != nil {
		t.Fatalf("--help: unexpected error: %v", err)
	}
	for _, want := range []string{"In place (EKS-A v0.18 and later)", "KinD round trip (EKS-A v0.17 and earlier", "resume clears the pauses"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help output does not contain %q:\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "In place"), strings.Index(out, "KinD round trip"); i < 0 || j < i {
		t.Errorf("--help describes the KinD round trip before in-place upgrades (today's):\n%s", out)
	}
}
