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

func (f *facts) inPlaceStuck() bool {
	for _, u := range f.nodeUpgrades() {
		if u.stuck {
			return true
		}
	}
	return false
}

func inPlaceFindings(f *facts) []Finding {
	var out []Finding
	now := f.in.Now
	for _, u := range f.nodeUpgrades() {
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
		out = append(out, fd)
	}
	// A control plane or MachineDeployment marked for an in-place upgrade
	// that no upgrade object has started: the EKS-A controller has not acted.
	for _, o := range f.mgmtObjs {
		_, kcp := o.Annotations[eksa.AnnotationInPlaceUpgradeNeeded]
		_, md := o.Annotations[eksa.AnnotationMDInPlaceUpgradeNeeded]
		if (kcp || md) && !f.hasUpgradeFor(o) {
			out = append(out, Finding{Severity: Warning, Code: CodeInPlaceUpgradeProgress, Object: objectRef(o),
				Location: string(snapshot.Management), Message: fmt.Sprintf(
					"%s %s is marked for an in-place upgrade, but no %s or %s exists for it: the EKS-A controller has not started it",
					o.Kind, o.Name, eksa.KindControlPlaneUpgrade, eksa.KindMachineDeploymentUpgrade)})
		}
	}
	return out
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

// inPlaceEraFindings are the findings of what stops today's upgrades.
func inPlaceEraFindings(f *facts) []Finding {
	if !readable(f.mgmt) {
		return nil
	}
	out := rolloutFindings(f)
	out = append(out, stuckMachineFindings(f)...)
	out = append(out, healthCheckFindings(f)...)
	out = append(out, inPlaceFindings(f)...)
	return append(out, etcdFindings(f)...)
}

// stuckClauses say what is stuck, for the headline.
func (f *facts) stuckClauses() []string {
	var out []string
	for _, r := range f.stuckRollouts() {
		out = append(out, fmt.Sprintf("%s %s at %s for %s", r.obj.Kind, r.obj.Name, r.countsText(), ageText(f.in.Now, r.since)))
	}
	for _, s := range f.stuckMachines() {
		out = append(out, fmt.Sprintf("Machine %s %s for %s", s.m.Name, stuckWord(s), ageText(f.in.Now, s.since)))
	}
	for _, u := range f.nodeUpgrades() {
		if u.stuck {
			out = append(out, "NodeUpgrade "+u.obj.Name+" not completed")
		}
	}
	for _, o := range f.blockedHealthChecks() {
		out = append(out, "MachineHealthCheck "+o.Name+" holds remediation back")
	}
	if n := len(etcdFindings(f)); n > 0 {
		out = append(out, "the etcd roll has not finished")
	}
	return out
}
