package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Finding codes of in-place upgrades (upgradeRolloutStrategy: InPlace,
// v0.19+): the EKS-A controller runs an upgrader pod on each node, through
// a NodeUpgrade per Machine.
const (
	CodeInPlaceUpgradeStuck    = "InPlaceUpgradeStuck"
	CodeInPlaceUpgradeProgress = "InPlaceUpgradeInProgress"
)

// nodeUpgrade is one unfinished NodeUpgrade of the cluster, with its
// Machine and upgrader pod.
type nodeUpgrade struct {
	obj     snapshot.Object
	machine snapshot.Machine
	pod     *snapshot.Pod
	stuck   bool
}

// nodeUpgrades are the cluster's NodeUpgrades not completed: those whose
// Machine is one of the cluster's.
func (f *facts) nodeUpgrades() []nodeUpgrade {
	machines := map[string]snapshot.Machine{}
	for _, m := range f.mgmtMachines {
		machines[m.Name] = m
	}
	var out []nodeUpgrade
	for _, o := range f.mgmt.EKSA {
		m, ok := machines[o.Fields["machine"]]
		if o.Kind != eksa.KindNodeUpgrade || !ok || o.Fields["completed"] == "true" {
			continue
		}
		u := nodeUpgrade{obj: o, machine: m}
		for i, p := range f.mgmt.UpgraderPods {
			if m.NodeName != "" && p.Name == eksa.UpgraderPod(m.NodeName) {
				u.pod = &f.mgmt.UpgraderPods[i]
			}
		}
		since := lastChange(o.Conditions)
		if since.IsZero() {
			since = o.Created
		}
		u.stuck = stuckFor(f.in.Now, since)
		out = append(out, u)
	}
	return out
}

// nodeUpgradesStuck: a hit per NodeUpgrade unchanged for longer than
// stuckAfter; a note per one still within its time, and per control plane
// or MachineDeployment marked for an in-place upgrade that none started.
func nodeUpgradesStuck(f *facts) []hit {
	var out []hit
	for _, u := range f.nodeUpgrades() {
		h := hit{findings: []Finding{f.nodeUpgradeFinding(u)}}
		if u.stuck {
			h.clause, h.steps, h.objects = "NodeUpgrade "+u.obj.Name+" not completed", []Step{f.nodeUpgradeStep(u)}, []string{objectRef(u.obj)}
		}
		out = append(out, h)
	}
	// A control plane or MachineDeployment marked for an in-place upgrade
	// that no upgrade object has started: the EKS-A controller has not acted.
	for _, o := range f.mgmtObjs {
		_, kcp := o.Annotations[eksa.AnnotationInPlaceUpgradeNeeded]
		_, md := o.Annotations[eksa.AnnotationMDInPlaceUpgradeNeeded]
		if (kcp || md) && !f.hasUpgradeFor(o) {
			out = append(out, hit{findings: []Finding{{Severity: Warning, Code: CodeInPlaceUpgradeProgress, Object: objectRef(o),
				Location: string(snapshot.Management), Message: fmt.Sprintf(
					"%s %s is marked for an in-place upgrade, but no %s or %s exists for it: the EKS-A controller has not started it",
					o.Kind, o.Name, eksa.KindControlPlaneUpgrade, eksa.KindMachineDeploymentUpgrade)}}})
		}
	}
	return out
}

func (f *facts) nodeUpgradeFinding(u nodeUpgrade) Finding {
	now := f.in.Now
	fd := Finding{Severity: Warning, Code: CodeInPlaceUpgradeProgress, Object: objectRef(u.obj), Location: string(snapshot.Management),
		Evidence: evidenceOf(now, u.obj.Conditions, nil)}
	verb := "is upgrading"
	if u.stuck {
		fd.Severity, fd.Code, verb = Error, CodeInPlaceUpgradeStuck, "has not completed"
	}
	fd.Message = fmt.Sprintf("NodeUpgrade %s of Machine %s (to %s) %s, created %s ago", u.obj.Name, u.machine.Name,
		orUnknown(u.obj.Fields["kubernetesVersion"]), verb, ageText(now, u.obj.Created))
	if c := conditionText(now, u.obj.Conditions); c != "" {
		fd.Message += "; " + c
	}
	switch {
	case u.pod != nil && u.pod.Waiting != "":
		fd.Message += fmt.Sprintf("; upgrader pod %s is %s, %s", u.pod.Name, orUnknown(u.pod.Phase), u.pod.Waiting)
	case u.pod != nil:
		fd.Message += fmt.Sprintf("; upgrader pod %s is %s", u.pod.Name, orUnknown(u.pod.Phase))
	case u.machine.NodeName != "":
		fd.Message += fmt.Sprintf("; no upgrader pod %s in %s", eksa.UpgraderPod(u.machine.NodeName), eksa.Namespace)
	}
	return fd
}

// nodeUpgradeStep: the upgrader pod's logs say where it stopped; without
// one, the NodeUpgrade's conditions say how far it got.
func (f *facts) nodeUpgradeStep(u nodeUpgrade) Step {
	k := f.kubectl() + " -n " + eksa.Namespace
	if u.pod != nil {
		return Step{Command: k + " logs " + u.pod.Name + " --all-containers", Why: fmt.Sprintf(
			"the in-place upgrade of Machine %s stopped (NodeUpgrade %s): its upgrader pod's logs say at which step and why",
			u.machine.Name, u.obj.Name)}
	}
	return Step{Command: k + " describe nodeupgrades.anywhere.eks.amazonaws.com " + u.obj.Name, Why: fmt.Sprintf(
		"the in-place upgrade of Machine %s stopped and no upgrader pod runs for it: its conditions say how far it got", u.machine.Name)}
}

// hasUpgradeFor: an upgrade object names o.
func (f *facts) hasUpgradeFor(o snapshot.Object) bool {
	for _, u := range f.mgmt.EKSA {
		if (u.Kind == eksa.KindControlPlaneUpgrade && u.Fields["controlPlane"] == o.Name) ||
			(u.Kind == eksa.KindMachineDeploymentUpgrade && u.Fields["machineDeployment"] == o.Name) {
			return true
		}
	}
	return false
}
