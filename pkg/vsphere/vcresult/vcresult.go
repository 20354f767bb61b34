// Package vcresult is what the vCenter cross-check showed, as plain values:
// the cluster's VMs, their power states and the Machines without a VM.
// pkg/vsphere fills it; pkg/diagnose judges it and pkg/printers shows it.
// It is apart from pkg/vsphere because that package reaches vCenter
// through govmomi, and the pure packages (diagnose) must import no client
// library: this one imports nothing.
package vcresult

// Power states, as vCenter spells them (runtime.powerState), and the word
// for a Machine whose VM vCenter does not have.
const (
	PoweredOn  = "poweredOn"
	PoweredOff = "poweredOff"
	Suspended  = "suspended"
	Missing    = "missing"
)

// VM is one VM of the cluster.
type VM struct {
	Name, UUID string
	// PowerState is PoweredOn, PoweredOff or Suspended.
	PowerState string
	// Folder is the inventory path of the VM's folder, e.g. /DC0/vm.
	Folder string
	// Machine is the Machine that points to this VM; "" when none does.
	Machine string
}

// Path is the VM's inventory path, which govc takes.
func (v VM) Path() string {
	if v.Folder == "" {
		return v.Name
	}
	return v.Folder + "/" + v.Name
}

// Down: powered off or suspended, so not running whatever its Machine says.
func (v VM) Down() bool { return v.PowerState == PoweredOff || v.PowerState == Suspended }

// Result is what vCenter showed.
type Result struct {
	// Server is the host:port asked.
	Server string
	// Datacenter is the datacenter looked in, as the cluster's objects name
	// it; "" when every datacenter was.
	Datacenter string
	// VMs are the cluster's VMs, sorted by name: every VM a Machine points
	// to and every VM named and filed as the cluster's.
	VMs []VM
	// MachinesWithoutVM are the Machines whose VM does not exist, sorted.
	MachinesWithoutVM []string
	// Checked is how many VMs (templates included) the datacenter holds:
	// every one was looked at.
	Checked int
	// RoundTrips counts every SOAP call, login and logout included.
	RoundTrips int
}

// State is what the result says of a Machine's VM: its power state,
// Missing when vCenter does not have it, "" when no VM was matched to it.
func (r *Result) State(machine string) string {
	for _, m := range r.MachinesWithoutVM {
		if m == machine {
			return Missing
		}
	}
	for _, vm := range r.VMs {
		if vm.Machine == machine {
			return vm.PowerState
		}
	}
	return ""
}
