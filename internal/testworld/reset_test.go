package testworld

import (
	"strings"
	"testing"
)

// TestPickReset: which path Reset takes from which world to which
// scenario, and which it refuses. No server runs: the choice is pure.
func TestPickReset(t *testing.T) {
	// opts is what Start or Reset makes of asked for s.
	opts := func(s Scenario, asked Options) Options {
		t.Helper()
		asked.Scenario, asked.Dir = s, t.TempDir()
		if err := asked.defaults(); err != nil {
			t.Fatal(err)
		}
		return asked
	}
	none := Options{}
	v022 := Options{EKSAVersion: "v0.22.0"}
	oneWorker := Options{EKSAVersion: "v0.22.0", Workers: 1}
	v1beta2 := Options{Flavour: V1Beta2}
	tests := []struct {
		name       string
		from, to   Options
		bootstrap  bool // running (management always, but in one case)
		management bool
		want       resetPath
		refused    string // in the error, when refused
	}{
		{"stranded again", opts(Stranded, none), opts(Stranded, none), true, true, pathRestrand, ""},
		{"stranded, KinD stopped", opts(Stranded, none), opts(Stranded, none), false, true, "", "bootstrap API server running"},
		{"in place, version pinned", opts(RolloutStuck, v022), opts(MHCBlocked, v022), false, true, pathInPlace, ""},
		{"in place, one era", opts(ControllerCrash, none), opts(ComponentsAhead, none), true, true, pathInPlace, ""},
		{"to healthy, version pinned", opts(ControllerCrash, v022), opts(Healthy, v022), false, true, pathInPlace, ""},
		{"another era, no KinD", opts(RolloutStuck, none), opts(MHCBlocked, none), false, true, "", "bootstrap API server running"},
		{"another era, KinD", opts(RolloutStuck, none), opts(MHCBlocked, none), true, true, pathReseed, ""},
		{"more etcd members", opts(ControllerCrash, none), opts(EtcdNotReady, none), true, true, pathReseed, ""},
		{"fewer etcd members", opts(EtcdNotReady, none), opts(ControllerCrash, none), true, true, pathReseed, ""},
		{"more workers", opts(ControllerCrash, none), opts(CNINotReady, none), true, true, pathReseed, ""},
		{"workers pinned", opts(ControllerCrash, oneWorker), opts(CNINotReady, oneWorker), false, true, pathInPlace, ""},
		{"a workload cluster, no KinD", opts(Healthy, v022), opts(WorkloadRefused, v022), false, true, "", "bootstrap API server running"},
		{"from a paused world", opts(ValidationFailed, v022), opts(RolloutStuck, v022), true, true, pathReseed, ""},
		{"stranded to in place", opts(Stranded, none), opts(DrainBlocked, none), true, true, pathReseed, ""},
		{"stranded to split", opts(Stranded, none), opts(Split, none), true, true, pathReseed, ""},
		{"empty again", opts(Empty, v1beta2), opts(Empty, v1beta2), true, true, pathReseed, ""},
		{"stops KinD", opts(Stranded, none), opts(BootstrapDown, none), true, true, "", "stops the bootstrap API server"},
		{"stops management", opts(Stranded, none), opts(ManagementDown, none), true, true, "", "stops the management API server"},
		{"management stopped", opts(ManagementDown, none), opts(Stranded, none), true, false, "", "management API server is stopped"},
		{"another provider", opts(Stranded, none), opts(HardwareShort, none), true, true, "", "CRDs"},
		{"another contract", opts(Stranded, none), opts(MHCPausedInPlace, none), true, true, "", "CRDs"},
		{"contract pinned", opts(Stranded, v1beta2), opts(MHCPausedInPlace, v1beta2), true, true, pathReseed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pickReset(tt.from, tt.to, tt.bootstrap, tt.management)
			switch {
			case tt.refused == "" && err != nil:
				t.Errorf("pickReset(%s -> %s) = %v, want %s", tt.from.Scenario, tt.to.Scenario, err, tt.want)
			case tt.refused != "" && (err == nil || !strings.Contains(err.Error(), tt.refused)):
				t.Errorf("pickReset(%s -> %s) = %q, %v, want refused: %s", tt.from.Scenario, tt.to.Scenario, got, err, tt.refused)
			case got != tt.want:
				t.Errorf("pickReset(%s -> %s) = %s, want %s", tt.from.Scenario, tt.to.Scenario, got, tt.want)
			}
		})
	}
}
