package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// causeSteps are the commands that remove what stops the upgrade, before
// any resume or rerun: for UpgradeBlocked and RolloutStuck, nothing else.
func (f *facts) causeSteps(v verdict) []Step {
	switch v.state {
	case UpgradeBlocked:
		return f.familySteps(true)
	case RolloutStuck:
		return f.stuckSteps()
	case NotReady:
		return f.notReadySteps()
	}
	return nil
}

// kubectl is kubectl on the management cluster.
func (f *facts) kubectl() string {
	if f.mgmt.Kubeconfig == "" {
		return "kubectl"
	}
	return "kubectl --kubeconfig " + quote(f.mgmt.Kubeconfig)
}

// kindKnownEmpty: no KinD, or one read and holding no Cluster API object.
// Only then may a step remove finalizers or delete anything: a Machine
// whose twin may sit in KinD is not to be forced out.
func (f *facts) kindKnownEmpty() bool {
	return !f.boot.Configured || (readable(f.boot) && len(f.boot.Objects) == 0)
}

// stuckSteps name the first thing to do for each stuck cause, most
// specific first.
func (f *facts) stuckSteps() []Step {
	k := f.kubectl()
	ns := " -n " + eksa.Namespace
	var steps []Step
	for _, s := range f.stuckMachines() {
		m := s.m
		switch {
		case s.code == CodeDrainBlocked:
			b, _ := drainBlocked(m)
			steps = append(steps, f.drainStep(s, b))
		case s.code == CodeMachineStuckDeleting && len(f.mgmt.TightBudgets) > 0:
			steps = append(steps, f.drainStep(s, drainBlock{budget: budgetNames(f.mgmt.TightBudgets)}))
		case s.code == CodeMachineVMDeleted && f.kindKnownEmpty():
			steps = append(steps, f.vmDeletedSteps(s)...)
		case s.code == CodeMachineStuckDeleting && f.vsphereUUID(m.ProviderID) != "" && !f.in.VCenter.answered():
			steps = append(steps, Step{Command: "govc vm.info -vm.uuid " + f.vsphereUUID(m.ProviderID), Why: fmt.Sprintf(
				"Machine %s has been Deleting for %s: if vCenter has no such VM, the Machine waits for one that is gone. "+
					"Export EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD and run status again: it checks vCenter and names the way out",
				m.Name, ageText(f.in.Now, s.since))})
		default:
			steps = append(steps, Step{Command: k + ns + " describe machines.cluster.x-k8s.io " + m.Name, Why: fmt.Sprintf(
				"Machine %s has been %s for %s: its conditions and events, and its infrastructure machine's, say what it waits for",
				m.Name, orUnknown(stuckWord(s)), ageText(f.in.Now, s.since))})
		}
	}
	for _, u := range f.nodeUpgrades() {
		if !u.stuck {
			continue
		}
		if u.pod != nil {
			steps = append(steps, Step{Command: k + ns + " logs " + u.pod.Name + " --all-containers", Why: fmt.Sprintf(
				"the in-place upgrade of Machine %s stopped (NodeUpgrade %s): its upgrader pod's logs say at which step and why",
				u.machine.Name, u.obj.Name)})
			continue
		}
		steps = append(steps, Step{Command: k + ns + " describe nodeupgrades.anywhere.eks.amazonaws.com " + u.obj.Name, Why: fmt.Sprintf(
			"the in-place upgrade of Machine %s stopped and no upgrader pod runs for it: its conditions say how far it got", u.machine.Name)})
	}
	for _, o := range f.blockedHealthChecks() {
		steps = append(steps, Step{Command: k + ns + " describe machinehealthchecks.cluster.x-k8s.io " + o.Name, Why: fmt.Sprintf(
			"MachineHealthCheck %s will not replace unhealthy Machines while more than maxUnhealthy are: bring the unhealthy Machines it lists back "+
				"(the findings above name the stuck ones) and remediation resumes", o.Name)})
	}
	for _, fd := range etcdFindings(f) {
		name := fd.Object[strings.LastIndex(fd.Object, "/")+1:]
		steps = append(steps, Step{Command: k + ns + " describe etcdadmclusters.etcdcluster.cluster.x-k8s.io " + name,
			Why: "the etcd roll has not finished, and the control plane waits for it: its conditions and events say why"})
	}
	if len(steps) == 0 {
		for _, r := range f.stuckRollouts() {
			steps = append(steps, Step{Command: fmt.Sprintf("%s%s describe %s %s", k, ns, resourceName(r.obj.Kind), r.obj.Name), Why: fmt.Sprintf(
				"%s %s has not converged (%s): its conditions and events name the Machine it waits for", r.obj.Kind, r.obj.Name, r.countsText())})
		}
	}
	return steps
}

// vmDeletedSteps are EKS-A's documented way out for a Machine whose VM was
// deleted in vCenter: remove the finalizers of the Machine, its
// VSphereMachine and VSphereVM (named alike), then delete its Node.
func (f *facts) vmDeletedSteps(s stuckMachine) []Step {
	k := f.kubectl()
	ns := " -n " + eksa.Namespace
	patch := " --type merge -p '{\"metadata\":{\"finalizers\":null}}'"
	m := s.m
	why := fmt.Sprintf("Machine %s has been Deleting for %s and vCenter has no VM %s: nothing will ever finish its deletion. "+
		"EKS-A's troubleshooting guide removes the finalizers of the Machine, its VSphereMachine and VSphereVM, then deletes the Node",
		m.Name, ageText(f.in.Now, s.since), orUnknown(m.ProviderID))
	steps := []Step{{Command: k + ns + " patch machines.cluster.x-k8s.io " + m.Name + patch, Why: why}}
	if m.Infra.Name != "" {
		steps = append(steps,
			Step{Command: k + ns + " patch vspheremachines.infrastructure.cluster.x-k8s.io " + m.Infra.Name + patch, Why: "its VSphereMachine"},
			Step{Command: k + ns + " patch vspherevms.infrastructure.cluster.x-k8s.io " + m.Infra.Name + patch, Why: "its VSphereVM (CAPV names it as the VSphereMachine)"})
	}
	if m.NodeName != "" {
		steps = append(steps, Step{Command: k + " delete node " + m.NodeName, Why: "the Node of a VM that no longer exists"})
	}
	return steps
}

func stuckWord(s stuckMachine) string {
	if s.code == CodeMachineStuckProvisioning {
		return s.m.Phase
	}
	return "Deleting"
}

// vsphereUUID is the VM's BIOS UUID from a vsphere:// providerID.
func (f *facts) vsphereUUID(providerID string) string {
	uuid, ok := strings.CutPrefix(providerID, "vsphere://")
	if !ok {
		return ""
	}
	return uuid
}

func resourceName(kind string) string {
	switch kind {
	case "KubeadmControlPlane":
		return "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
	case "MachineDeployment":
		return "machinedeployments.cluster.x-k8s.io"
	}
	return strings.ToLower(kind)
}
