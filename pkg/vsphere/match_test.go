package vsphere

import (
	"strings"
	"testing"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// inv builds an inventory: datacenter DC0 inside folder /dcs, with its VM
// folder vm and a subfolder eksa; a second datacenter DC1.
func inv(vms ...rawVM) *inventory {
	ref := func(kind, id string) types.ManagedObjectReference {
		return types.ManagedObjectReference{Type: kind, Value: id}
	}
	root := ref("Folder", "group-d1") // not in the view, as with a real ContainerView
	return &inventory{vms: vms, entities: map[types.ManagedObjectReference]entity{
		ref("Folder", "dcs"):   {name: "dcs", parent: root, kind: "Folder"},
		ref("Datacenter", "0"): {name: "DC0", parent: ref("Folder", "dcs"), kind: "Datacenter"},
		ref("Folder", "vm0"):   {name: "vm", parent: ref("Datacenter", "0"), kind: "Folder"},
		ref("Folder", "eksa"):  {name: "eksa", parent: ref("Folder", "vm0"), kind: "Folder"},
		ref("Datacenter", "1"): {name: "DC1", parent: root, kind: "Datacenter"},
		ref("Folder", "vm1"):   {name: "vm", parent: ref("Datacenter", "1"), kind: "Folder"},
	}}
}

func vmIn(folder, name, uuid string) rawVM {
	return rawVM{name: name, uuid: uuid, power: vcresult.PoweredOn, parent: types.ManagedObjectReference{Type: "Folder", Value: folder}}
}

func TestMatch(t *testing.T) {
	base := []rawVM{
		vmIn("eksa", "c-cp", "AAAA"),
		vmIn("eksa", "c-left", "BBBB"),
		vmIn("vm0", "c-elsewhere", "CCCC"), // the cluster's name, another folder
		vmIn("vm1", "c-dc1", "DDDD"),       // another datacenter
	}
	tests := []struct {
		name     string
		cfg      Config
		machines []Expect
		want     string // VM:Machine, then -missing machines
		checked  int
	}{
		{"absolute folder, datacenter by name", Config{Datacenter: "DC0", Cluster: "c", Folders: []string{"/dcs/DC0/vm/eksa"}},
			[]Expect{{Machine: "m-cp", UUID: "aaaa"}, {Machine: "m-gone", UUID: "FFFF"}}, "c-cp:m-cp,c-left:,-m-gone", 3},
		{"relative folder, datacenter by path", Config{Datacenter: "/dcs/DC0", Cluster: "c", Folders: []string{"eksa"}},
			[]Expect{{Machine: "m-cp", UUID: "AAAA"}}, "c-cp:m-cp,c-left:", 3},
		{"no folder: anywhere in the datacenter", Config{Datacenter: "DC0", Cluster: "c"},
			nil, "c-cp:,c-elsewhere:,c-left:", 3},
		{"no datacenter: everywhere", Config{Cluster: "c"},
			nil, "c-cp:,c-dc1:,c-elsewhere:,c-left:", 4},
		{"a Machine's VM is kept wherever it is filed", Config{Datacenter: "DC0", Cluster: "c", Folders: []string{"/dcs/DC0/vm/eksa"}},
			[]Expect{{Machine: "m-x", UUID: "CCCC"}}, "c-cp:,c-elsewhere:m-x,c-left:", 3},
		{"no cluster name: only the Machines' VMs", Config{Datacenter: "DC0"},
			[]Expect{{Machine: "m-cp", UUID: "AAAA"}}, "c-cp:m-cp", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &vcresult.Result{Server: "vc:443"}
			if err := match(res, inv(base...), tt.cfg, tt.machines); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, vm := range res.VMs {
				got = append(got, vm.Name+":"+vm.Machine)
			}
			for _, m := range res.MachinesWithoutVM {
				got = append(got, "-"+m)
			}
			if strings.Join(got, ",") != tt.want || res.Checked != tt.checked {
				t.Errorf("match(...) = %s, %d checked; want %s, %d", strings.Join(got, ","), res.Checked, tt.want, tt.checked)
			}
		})
	}
}

func TestMatch_NoDatacenter(t *testing.T) {
	err := match(&vcresult.Result{Server: "vc:443"}, inv(), Config{Datacenter: "DC9"}, nil)
	if e, ok := err.(*Error); !ok || e.Kind != ErrNoDatacenter {
		t.Errorf("match(DC9) = %v, want ErrNoDatacenter", err)
	}
}
