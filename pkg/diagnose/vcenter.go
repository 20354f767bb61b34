package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// VCenterFacts is what the vCenter cross-check gave: pkg/vsphere's result
// as it came, or why there is none. A failed check status was asked for
// is an error before diagnosis; so the only failure here is Failed.
type VCenterFacts struct {
	// Result is what vCenter showed: the cluster's VMs (those its Machines
	// point to, and those named and filed as its own that none points to)
	// and the Machines whose VM vCenter does not have.
	vcresult.Result
	// Skipped says why vCenter was not asked although the cluster runs on
	// vSphere (e.g. no credentials); the rest is then empty.
	Skipped string
	// Failed says why a check status turned on by itself failed (vCenter
	// unreachable, a login refused, an untrusted certificate), with the
	// fix: a cross-check, not a gate, so the verdict stands without it.
	// The rest is then empty.
	Failed string
}

// answered: vCenter was asked and answered.
func (vc *VCenterFacts) answered() bool { return vc != nil && vc.Skipped == "" && vc.Failed == "" }

// CodeVCenterCheckFailed: the check status turned on by itself failed.
const CodeVCenterCheckFailed = "VCenterCheckFailed"

// VCenterReport is the report's `vcenter`: what the check covered.
type VCenterReport struct {
	Server     string `json:"server"`
	Datacenter string `json:"datacenter,omitempty"`
	Checked    int    `json:"checked"`
	RoundTrips int    `json:"roundTrips"`
	ClusterVMs int    `json:"clusterVMs"`
}

// Finding codes from vCenter.
const (
	CodeMachineWithoutVM  = "MachineWithoutVM"
	CodeVMPoweredOff      = "VMPoweredOff"
	CodeVMSuspended       = "VMSuspended"
	CodeOrphanVM          = "OrphanVM"
	CodeVMsChecked        = "VMsChecked"
	CodeVCenterNotChecked = "VCenterNotChecked"
)

func vcenterReport(f *facts) *VCenterReport {
	vc := f.in.VCenter
	if !vc.answered() {
		return nil
	}
	return &VCenterReport{Server: vc.Server, Datacenter: vc.Datacenter, Checked: vc.Checked,
		RoundTrips: vc.RoundTrips, ClusterVMs: len(vc.VMs)}
}

// machinesKnown: every configured cluster was read, so a VM no Machine
// points to really has none. Otherwise its Machine may sit where we could
// not look, and calling the VM an orphan could get it deleted.
func (f *facts) machinesKnown() bool {
	return readable(f.mgmt) && (!f.boot.Configured || readable(f.boot))
}

// machine finds one of the cluster's Machines by name, management first.
func (f *facts) machine(name string) (snapshot.Machine, snapshot.Role, bool) {
	for _, side := range []struct {
		role snapshot.Role
		ms   []snapshot.Machine
	}{{snapshot.Management, f.mgmtMachines}, {snapshot.Bootstrap, f.bootMachines}} {
		for _, m := range side.ms {
			if m.Name == name {
				return m, side.role, true
			}
		}
	}
	return snapshot.Machine{}, "", false
}

// vmState is what the tree shows next to a Machine.
func (f *facts) vmState(machine string) string {
	if !f.in.VCenter.answered() {
		return ""
	}
	return f.in.VCenter.State(machine)
}

func vcenterFindings(f *facts) []Finding {
	vc := f.in.VCenter
	if vc == nil {
		return nil
	}
	if vc.Skipped != "" {
		return []Finding{{Severity: Info, Code: CodeVCenterNotChecked, Message: "vCenter was not checked: " + vc.Skipped}}
	}
	if vc.Failed != "" {
		return []Finding{{Severity: Warning, Code: CodeVCenterCheckFailed, Message: "the vCenter cross-check failed, " +
			"so the verdict rests on the clusters alone: " + vc.Failed}}
	}
	var out []Finding
	for _, name := range vc.MachinesWithoutVM {
		fd := Finding{Severity: Error, Code: CodeMachineWithoutVM,
			Message: fmt.Sprintf("Machine %s has no VM in vCenter %s: the VM was deleted, or never created", name, vc.Server)}
		if m, side, ok := f.machine(name); ok {
			fd.Object, fd.Location = objectRef(f.machineObject(side, name)), string(side)
			if m.ProviderID != "" {
				fd.Message = fmt.Sprintf("Machine %s points to VM %s, which vCenter %s does not have: the VM was deleted, or never created",
					name, m.ProviderID, vc.Server)
			}
		}
		out = append(out, fd)
	}
	for _, vm := range vc.VMs {
		if fd, ok := f.vmFinding(vm); ok {
			out = append(out, fd)
		}
	}
	out = append(out, Finding{Severity: Info, Code: CodeVMsChecked, Message: fmt.Sprintf(
		"vCenter %s: %s checked, %d of them %s's, in %d SOAP calls", vc.Server, text.Plural(vc.Checked, "VM"), len(vc.VMs), f.name, vc.RoundTrips)})
	return out
}

// vmFinding judges one VM: powered off or suspended, or an orphan.
func (f *facts) vmFinding(vm vcresult.VM) (Finding, bool) {
	vc := f.in.VCenter
	obj := "VirtualMachine/" + vm.Name
	if vm.Machine == "" && f.machinesKnown() {
		return Finding{Severity: Warning, Code: CodeOrphanVM, Object: obj, Message: fmt.Sprintf(
			"VM %s (%s, in %s) is named and filed as %s's, but no Machine points to it: what a rolling replacement that "+
				"never became ready leaves behind. Nothing will clean it up; check it is not needed before deleting it",
			vm.Name, vm.PowerState, orUnknown(vm.Folder), f.name)}, true
	}
	code := CodeVMPoweredOff
	switch vm.PowerState {
	case vcresult.PoweredOff:
	case vcresult.Suspended:
		code = CodeVMSuspended
	default:
		return Finding{}, false
	}
	state := "powered off"
	if code == CodeVMSuspended {
		state = "suspended"
	}
	if vm.Machine == "" {
		return Finding{Severity: Error, Code: code, Object: obj, Message: fmt.Sprintf(
			"VM %s of %s is %s in vCenter %s (its Machine could not be read)", vm.Name, f.name, state, vc.Server)}, true
	}
	fd := Finding{Severity: Warning, Code: code, Object: obj, Message: fmt.Sprintf(
		"VM %s of Machine %s is %s in vCenter %s", vm.Name, vm.Machine, state, vc.Server)}
	if m, side, ok := f.machine(vm.Machine); ok {
		fd.Object, fd.Location = objectRef(f.machineObject(side, m.Name)), string(side)
		if m.Role == snapshot.RoleControlPlane || m.Role == snapshot.RoleEtcd {
			fd.Severity = Error
			fd.Message = fmt.Sprintf("VM %s of %s Machine %s is %s in vCenter %s", vm.Name, m.Role, vm.Machine, state, vc.Server)
		}
	}
	return fd, true
}

// vmsDown are the cluster's VMs that are powered off or suspended; with
// apiServer, only those the management API server needs: control-plane and
// etcd VMs, and any whose Machine could not be read (management holds it).
func (f *facts) vmsDown(apiServer bool) []vcresult.VM {
	vc := f.in.VCenter
	if vc == nil {
		return nil
	}
	var out []vcresult.VM
	for _, vm := range vc.VMs {
		if !vm.Down() {
			continue
		}
		m, _, known := f.machine(vm.Machine)
		switch {
		case !apiServer && vm.Machine != "":
			out = append(out, vm)
		case apiServer && (vm.Machine == "" || !known || m.Role == snapshot.RoleControlPlane || m.Role == snapshot.RoleEtcd):
			out = append(out, vm)
		}
	}
	return out
}

// machinesNotRunningInVCenter counts the Machines whose VM is missing,
// powered off or suspended: such a Machine is not running, whatever its
// phase says (the controllers may not have noticed yet).
func (f *facts) machinesNotRunningInVCenter() int {
	if f.in.VCenter == nil {
		return 0
	}
	return len(f.in.VCenter.MachinesWithoutVM) + len(f.vmsDown(false))
}

// powerOnStep powers the VMs on with govc, by inventory path so that it
// finds them whatever govc's default datacenter.
func (f *facts) powerOnStep(vms []vcresult.VM, what string) Step {
	var paths, names []string
	for _, vm := range vms {
		paths = append(paths, quote(vm.Path()))
		names = append(names, vm.Name)
	}
	return Step{Command: "govc vm.power -on " + strings.Join(paths, " "), Why: fmt.Sprintf(
		"vCenter %s shows %s %s not running (%s): power them on "+
			"(govc reads GOVC_URL, GOVC_USERNAME and GOVC_PASSWORD; or use the vSphere client)",
		f.in.VCenter.Server, text.Plural(len(vms), "VM"), what, strings.Join(names, ", "))}
}
