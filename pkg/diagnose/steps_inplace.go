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
		return f.blockerSteps()
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

func (f *facts) blockerSteps() []Step {
	k := f.kubectl()
	var steps []Step
	if hooks := f.deadWebhooks(); len(hooks) > 0 {
		w := hooks[0]
		ns, name, _ := strings.Cut(w.Service, "/")
		steps = append(steps, Step{Command: fmt.Sprintf("%s -n %s describe service %s", k, ns, name), Why: fmt.Sprintf(
			"webhook %s (%s %s, failurePolicy Fail) calls Service %s, which has no ready endpoint: the API server refuses "+
				"every write it matches, the upgrade's too. Bring the pods behind the Service back (its selector and events are here); "+
				"do not delete the webhook configuration: it guards what its owner installed it for",
			w.Name, w.Kind, w.Configuration, w.Service)})
	}
	if c := f.mgmt.Controller; f.controllerDown() {
		steps = append(steps, Step{Command: fmt.Sprintf("%s -n %s describe deployment %s", k, c.Namespace, c.Name), Why: fmt.Sprintf(
			"the EKS-A controller has %d of %d replicas available: nothing applies the cluster's spec until it runs; "+
				"its events say why (and `%s -n %s logs deployment/%s`)", c.Available, c.Desired, k, c.Namespace, c.Name)})
	}
	if f.expiredText() != "" {
		steps = append(steps, f.renewCertificatesStep())
	}
	if v, ok := f.componentsBehind(); ok && f.era.atLeast(19) {
		steps = append(steps, Step{Command: "eksctl anywhere upgrade management-components -f " + quote(f.clusterSpec()) + " -v9",
			Why: fmt.Sprintf("the management components run %s but the cluster asks for %s: finish their upgrade before the cluster's", v, f.era.version)})
	}
	return append(f.familySteps(true), steps...)
}

// renewCertificatesStep: eksctl renews certificates from v0.23.1; before,
// kubeadm does it on each control-plane node.
func (f *facts) renewCertificatesStep() Step {
	if f.era.atLeast(24) || (f.era.atLeast(23) && f.era.major == 0 && f.era.minor == 23 && f.era.patch >= 1) {
		return Step{Command: "eksctl anywhere renew certificates -f cert-renewal-config.yaml -v 9", Why: fmt.Sprintf(
			"certificates of %s have expired: write cert-renewal-config.yaml (clusterName: %s, os, and the SSH key and user of "+
				"the control-plane and etcd nodes, as EKS-A's \"Renew certificates using eksctl anywhere\" shows), then renew",
			f.expiredText(), f.name)}
	}
	return Step{Command: "sudo kubeadm certs renew all", Why: fmt.Sprintf(
		"certificates of %s have expired and EKS-A %s has no `eksctl anywhere renew certificates` (v0.23.1+): run this over SSH "+
			"on each control-plane node, then restart its static pods, as EKS-A's manual certificate renewal guide shows",
		f.expiredText(), orUnknown(f.era.version))}
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
