package diagnose

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The evidence decide weighs once every object is on management: did the
// run die before the move, is anything paused, is the roll cut off.

// validationFailed: the run died before moving anything. The checkpoint is
// the best witness; without one, an empty KinD next to eksctl's pauses on
// the EKS-A objects is what "Creating bootstrap cluster ... failed" leaves.
// In place (>= v0.18) upgrades create no KinD, so the second clue is moot.
func (f *facts) validationFailed() bool {
	if cp := f.ws.Checkpoint; cp != nil {
		switch taskPhase(cp.FailedAt) {
		case "validation":
			return true
		case "upgrade":
			return false
		}
	}
	if f.era.atLeast(18) || !f.kindReadWhole() || len(f.bootObjs) > 0 {
		return false
	}
	for _, m := range f.markersOn(snapshot.Management) {
		if m.Kind.OnEKSA() {
			return true
		}
	}
	return false
}

// taskPhase says in which phase an upgrade task runs; "" for a task eksctl
// did not have up to v0.17.
func taskPhase(task string) string {
	first := -1
	for i, t := range eksa.UpgradeTasks {
		if t == eksa.FirstUpgradePhaseTask {
			first = i
		}
	}
	for i, t := range eksa.UpgradeTasks {
		if t == task {
			if i < first {
				return "validation"
			}
			return "upgrade"
		}
	}
	return ""
}

func (f *facts) markersOn(r snapshot.Role) []pause.Marker {
	var out []pause.Marker
	for _, m := range f.markers {
		if m.Side == r {
			out = append(out, m)
		}
	}
	return out
}

func (f *facts) blockingMarkers() bool {
	for _, m := range f.leftMarkers() {
		if blocking(m, f.era) {
			return true
		}
	}
	return false
}

// midUpgrade: the cluster shows what a cut-off rolling upgrade leaves, or
// vCenter shows Machines that are not running.
func (f *facts) midUpgrade() bool {
	return f.rollCutOff() || f.machinesNotRunningInVCenter() > 0
}

// rollCutOff: what the cluster's own objects show of a cut-off roll.
func (f *facts) rollCutOff() bool {
	if len(versionSkew(f.mgmtMachines)) > 1 {
		return true
	}
	for _, m := range f.mgmtMachines {
		if m.Phase != "Running" {
			return true
		}
	}
	for _, n := range f.mgmt.Nodes {
		if !n.Ready {
			return true
		}
	}
	for _, r := range f.rollouts() {
		if !r.converged {
			return true
		}
	}
	return false
}
