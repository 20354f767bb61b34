package pause

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// threeWorkloads: cluster3 and w01 of newWorld, plus w02 and w03; the failed
// run left all three workload clusters paused.
func threeWorkloads() *world {
	w := newWorld()
	for _, c := range []string{"w02", "w03"} {
		w.snap.Management.Objects = append(w.snap.Management.Objects, snapshot.Object{Group: eksa.GroupCAPI, Version: "v1beta1",
			Kind: "Cluster", Namespace: "eksa-system", Name: c, ClusterName: c})
	}
	return w.capiPaused("w01").capiPaused("w02").capiPaused("w03")
}

// TestPlan_HoldsPrePaused: a Cluster the backup from before the run
// recorded paused stays paused and is listed as held; the run's pauses are
// cleared; --include-pre-paused clears it too; with no backup that tells,
// the plan says so and clears them all.
func TestPlan_HoldsPrePaused(t *testing.T) {
	before := &History{Known: true, Source: "/w/cluster3/eksa-recover-backup-2026-01-01T00_00_00",
		Covered: []string{"cluster3", "w01", "w02", "w03"}, Paused: []string{"w02"}}
	tests := []struct {
		name        string
		history     *History
		include     bool
		wantCleared []string
		wantHeld    []string
		wantUnknown []string
		wantSays    string
	}{
		{"held", before, false, []string{"w01", "w03"}, []string{"w02"}, nil, "paused before the failed run"},
		{"included", before, true, []string{"w01", "w02", "w03"}, nil, nil, ""},
		{"no backup tells", &History{Why: "eksctl's pre-upgrade backup cannot tell"}, false,
			[]string{"w01", "w02", "w03"}, nil, []string{"w01", "w02", "w03"}, "Not known whether 3 Clusters were paused before the failed run (eksctl's pre-upgrade backup cannot tell)"},
		{"partly covered", &History{Known: true, Source: "/b", Covered: []string{"w01", "w02"}, Paused: []string{"w02"}}, false,
			[]string{"w01", "w03"}, []string{"w02"}, []string{"w03"}, "(/b does not hold them)"},
		{"not looked for: as before", nil, false, []string{"w01", "w02", "w03"}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Plan(Input{Snapshot: &threeWorkloads().snap, ClusterName: "cluster3", History: tt.history, IncludePrePaused: tt.include})
			if err != nil {
				t.Fatal(err)
			}
			var cleared, held []string
			for _, ch := range plan.Objects {
				if ch.SpecPaused {
					cleared = append(cleared, ch.Object.Name)
				}
			}
			for _, h := range plan.Held {
				if h.Marker == MarkerSpecPaused {
					held = append(held, h.Object.Name)
				}
			}
			if !reflect.DeepEqual(cleared, tt.wantCleared) || !reflect.DeepEqual(held, tt.wantHeld) || !reflect.DeepEqual(plan.Unknown, tt.wantUnknown) {
				t.Errorf("Plan(...) clears %v, holds %v, unknown %v; want %v, %v, %v", cleared, held, plan.Unknown, tt.wantCleared, tt.wantHeld, tt.wantUnknown)
			}
			var out bytes.Buffer
			plan.Describe(&out)
			if tt.wantSays != "" && !strings.Contains(out.String(), tt.wantSays) {
				t.Errorf("Describe() = %q, want it to say %q", out.String(), tt.wantSays)
			}
			for _, h := range tt.wantHeld {
				if !strings.Contains(out.String(), "Cluster.cluster.x-k8s.io/"+h+" in eksa-system: spec.paused:") {
					t.Errorf("Describe() = %q, want %s listed as left set", out.String(), h)
				}
			}
		})
	}
}
