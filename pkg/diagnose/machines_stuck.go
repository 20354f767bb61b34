package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// Finding codes of Machines that stopped on their way.
const (
	CodeMachineStuckDeleting     = "MachineStuckDeleting"
	CodeMachineStuckProvisioning = "MachineStuckProvisioning"
	// CodeMachineVMDeleted: a Machine stuck Deleting whose VM vCenter no
	// longer has; its finalizers wait for a VM that will never go.
	CodeMachineVMDeleted = "MachineVMDeleted"
)

// stuckMachine is a Machine of the cluster on management stuck on its way
// in or out, with why.
type stuckMachine struct {
	m        snapshot.Machine
	code     string
	since    time.Time
	infra    *snapshot.Object // its infrastructure machine, when read
	vmStatus string           // vCenter's word for its VM, "" unchecked
}

// provisioningPhases are the phases a Machine passes on its way to Running.
var provisioningPhases = map[string]bool{"Pending": true, "Provisioning": true, "Provisioned": true}

// stuckMachines: deleting for longer than stuckAfter, or not yet Running
// that long after it was created.
func (f *facts) stuckMachines() []stuckMachine {
	var out []stuckMachine
	now := f.in.Now
	for _, m := range f.mgmtMachines {
		s := stuckMachine{m: m, infra: f.infraOf(m), vmStatus: f.vmState(m.Name)}
		switch {
		// vCenter shows the VM gone: CAPV removes its finalizers as soon as
		// the VM is, so a Machine still Deleting waits for nothing; no
		// need to wait stuckAfter to say so.
		case !m.Deleting.IsZero() && s.vmStatus == vcresult.Missing:
			s.code, s.since = CodeMachineVMDeleted, m.Deleting
		// The eviction's refusal says it all: no need to wait stuckAfter.
		case !m.Deleting.IsZero() && isDrainBlocked(m):
			b, _ := drainBlocked(m)
			s.code, s.since = CodeDrainBlocked, b.since
		case !m.Deleting.IsZero() && stuckFor(now, deletingSince(m)):
			s.code, s.since = CodeMachineStuckDeleting, deletingSince(m)
		case m.Deleting.IsZero() && provisioningPhases[m.Phase] && stuckFor(now, m.Created):
			s.code, s.since = CodeMachineStuckProvisioning, m.Created
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}

// deletingSince is when a Machine's deletion began by its own clocks: the
// earliest of its deletionTimestamp, v1beta2's drain start and its drain
// condition's transition (what the signal itself says, not only the
// timestamp the API server stamped).
func deletingSince(m snapshot.Machine) time.Time {
	since := m.Deleting
	earlier := func(t time.Time) {
		if !t.IsZero() && (since.IsZero() || t.Before(since)) {
			since = t
		}
	}
	earlier(m.DrainStart)
	for _, c := range m.Conditions {
		if c.Type == "DrainingSucceeded" || (c.Type == "Deleting" && c.Status == "True") {
			earlier(c.LastTransitionTime)
		}
	}
	return since
}

func isDrainBlocked(m snapshot.Machine) bool { _, ok := drainBlocked(m); return ok }

// infraOf finds a Machine's infrastructure machine on management.
func (f *facts) infraOf(m snapshot.Machine) *snapshot.Object {
	if m.Infra.Name == "" {
		return nil
	}
	for i, o := range f.mgmtObjs {
		if o.Kind == m.Infra.Kind && o.Name == m.Infra.Name {
			return &f.mgmtObjs[i]
		}
	}
	return nil
}

// machinesStuck: a hit per Machine stuck on its way in or out.
func machinesStuck(f *facts) []hit {
	var out []hit
	for _, s := range f.stuckMachines() {
		fd := f.stuckMachineFinding(s)
		out = append(out, hit{clause: fmt.Sprintf("Machine %s %s for %s", s.m.Name, stuckWord(s), ageText(f.in.Now, s.since)),
			findings: []Finding{fd}, steps: f.stuckMachineSteps(s), objects: []string{fd.Object}})
	}
	return out
}

func (f *facts) stuckMachineFinding(s stuckMachine) Finding {
	now := f.in.Now
	m := s.m
	obj := f.machineObject(snapshot.Management, m.Name)
	fd := Finding{Severity: Error, Code: s.code, Object: objectRef(obj), Location: string(snapshot.Management),
		Evidence: evidenceOf(now, m.Conditions, nil)}
	fd.Evidence.Since, fd.Evidence.For = s.since, ageText(now, s.since)
	switch s.code {
	case CodeMachineVMDeleted:
		fd.Message = fmt.Sprintf("Machine %s has been Deleting for %s and its VM %s is gone from vCenter %s: "+
			"its finalizers wait for a VM that will never be deleted", m.Name, ageText(now, s.since), orUnknown(m.ProviderID), f.in.VCenter.Server)
	case CodeMachineStuckDeleting:
		fd.Message = fmt.Sprintf("Machine %s has been Deleting for %s", m.Name, ageText(now, s.since))
		if b := f.mgmt.TightBudgets; len(b) > 0 {
			fd.Message += fmt.Sprintf("; PodDisruptionBudget %s allows no disruption now: if it covers a pod on Node %s, the drain waits on it",
				budgetNames(b), orUnknown(m.NodeName))
		}
	case CodeDrainBlocked:
		b, _ := drainBlocked(m)
		fd.Message = f.drainFinding(s, b)
		return fd
	default:
		fd.Message = fmt.Sprintf("Machine %s has been %s for %s", m.Name, m.Phase, ageText(now, s.since))
	}
	var clauses []string
	if c := conditionText(now, m.Conditions); c != "" {
		clauses = append(clauses, c)
	}
	if s.infra != nil {
		if c := conditionText(now, s.infra.Conditions); c != "" {
			clauses = append(clauses, fmt.Sprintf("%s %s: %s", s.infra.Kind, s.infra.Name, c))
		}
		for _, c := range evidenceOf(now, s.infra.Conditions, nil).Conditions {
			c.Type = s.infra.Kind + "/" + c.Type
			fd.Evidence.Conditions = append(fd.Evidence.Conditions, c)
		}
	}
	switch s.vmStatus {
	case "", vcresult.Missing:
	default:
		clauses = append(clauses, "its VM is "+s.vmStatus+" in vCenter")
	}
	if len(clauses) > 0 {
		fd.Message += "; " + strings.Join(clauses, "; ")
	}
	return fd
}

// stuckMachineSteps: the first thing to do for a stuck Machine, most
// specific first.
func (f *facts) stuckMachineSteps(s stuckMachine) []Step {
	k := f.kubectl()
	ns := " -n " + eksa.Namespace
	m := s.m
	switch {
	case s.code == CodeDrainBlocked:
		b, _ := drainBlocked(m)
		return []Step{f.drainStep(s, b)}
	case s.code == CodeMachineStuckDeleting && len(f.mgmt.TightBudgets) > 0:
		return []Step{f.drainStep(s, drainBlock{budget: budgetNames(f.mgmt.TightBudgets)})}
	case s.code == CodeMachineVMDeleted && f.kindKnownEmpty():
		return f.vmDeletedSteps(s)
	case s.code == CodeMachineStuckDeleting && f.vsphereUUID(m.ProviderID) != "" && !f.in.VCenter.answered():
		return []Step{{Command: "govc vm.info -vm.uuid " + f.vsphereUUID(m.ProviderID), Why: fmt.Sprintf(
			"Machine %s has been Deleting for %s: if vCenter has no such VM, the Machine waits for one that is gone. "+
				"Export EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD and run status again: it checks vCenter and names the way out",
			m.Name, ageText(f.in.Now, s.since))}}
	}
	return []Step{{Command: k + ns + " describe machines.cluster.x-k8s.io " + m.Name, Why: fmt.Sprintf(
		"Machine %s has been %s for %s: its conditions and events, and its infrastructure machine's, say what it waits for",
		m.Name, orUnknown(stuckWord(s)), ageText(f.in.Now, s.since))}}
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
