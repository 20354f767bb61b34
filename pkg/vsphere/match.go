package vsphere

import (
	"path"
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// match fills res from the inventory: the VMs in the datacenter, which of
// them the Machines point to, and which are the cluster's by name and folder.
func match(res *vcresult.Result, inv *inventory, cfg Config, machines []Expect) error {
	dcPrefix := ""
	if cfg.Datacenter != "" {
		dc, ok := findDatacenter(inv.datacenterPaths(), cfg.Datacenter)
		if !ok {
			return &Error{Kind: ErrNoDatacenter, Host: res.Server, Datacenter: cfg.Datacenter}
		}
		dcPrefix = dc + "/"
	}
	var vms []vcresult.VM
	for _, raw := range inv.vms {
		folder := inv.path(raw.parent)
		if !strings.HasPrefix(folder+"/", dcPrefix) {
			continue
		}
		vms = append(vms, vcresult.VM{Name: raw.name, UUID: strings.ToLower(raw.uuid), PowerState: raw.power, Folder: folder})
	}
	res.Checked = len(vms)
	// Sorted by name, so that of two VMs sharing a UUID (a copied VM) the
	// same one is matched every time.
	sort.SliceStable(vms, func(i, j int) bool { return vms[i].Name < vms[j].Name })

	byUUID, byName := map[string]int{}, map[string]int{}
	for i := len(vms) - 1; i >= 0; i-- {
		if vms[i].UUID != "" {
			byUUID[vms[i].UUID] = i
		}
		byName[vms[i].Name] = i
	}
	for _, m := range machines {
		i, ok := byUUID[strings.ToLower(m.UUID)]
		if m.UUID == "" {
			// Not provisioned yet: CAPV names the VM after the Machine.
			i, ok = byName[m.Machine]
		}
		if !ok {
			res.MachinesWithoutVM = append(res.MachinesWithoutVM, m.Machine)
			continue
		}
		if vms[i].Machine == "" {
			vms[i].Machine = m.Machine
		}
	}
	sort.Strings(res.MachinesWithoutVM)
	for _, vm := range vms {
		if vm.Machine != "" || clusterVM(vm, cfg) {
			res.VMs = append(res.VMs, vm)
		}
	}
	return nil
}

// clusterVM: named as CAPV names the cluster's VMs and filed where they go.
func clusterVM(vm vcresult.VM, cfg Config) bool {
	if cfg.Cluster == "" || !strings.HasPrefix(vm.Name, cfg.Cluster+"-") {
		return false
	}
	for _, other := range cfg.OtherClusters {
		if other != cfg.Cluster && strings.HasPrefix(vm.Name, other+"-") {
			return false
		}
	}
	if len(cfg.Folders) == 0 {
		return true
	}
	for _, f := range cfg.Folders {
		f = strings.TrimSuffix(f, "/")
		// A relative folder (CAPV accepts a name) matches at the end.
		if vm.Folder == f || !strings.HasPrefix(f, "/") && strings.HasSuffix(vm.Folder, "/"+f) {
			return true
		}
	}
	return false
}

// findDatacenter takes a name (DC0) or a path (/DC0, /folder/DC0).
func findDatacenter(paths []string, want string) (string, bool) {
	sort.Strings(paths)
	want = strings.TrimSuffix(want, "/")
	for _, p := range paths {
		if p == want || p == "/"+want {
			return p, true
		}
	}
	for _, p := range paths {
		if !strings.Contains(want, "/") && path.Base(p) == want {
			return p, true
		}
	}
	return "", false
}
