package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
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
		case !m.Deleting.IsZero() && s.vmStatus == vmMissing:
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

func stuckMachineFindings(f *facts) []Finding {
	var out []Finding
	now := f.in.Now
	for _, s := range f.stuckMachines() {
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
			out = append(out, fd)
			continue
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
		case "", vmMissing:
		default:
			clauses = append(clauses, "its VM is "+s.vmStatus+" in vCenter")
		}
		if len(clauses) > 0 {
			fd.Message += "; " + strings.Join(clauses, "; ")
		}
		out = append(out, fd)
	}
	return out
}
