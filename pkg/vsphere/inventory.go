package vsphere

import (
	"context"
	"strings"

	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// vmProperties are all a check reads of a VM: one Retrieve fetches them
// for every VM at once. Each property costs vCenter time on every VM, so
// config.template is not among them: a template is named after its OS,
// not the cluster, and no Machine points to it, so it is never the
// cluster's; it only counts as checked.
var vmProperties = []string{"name", "parent", "config.uuid", "runtime.powerState"}

// entity is a folder or datacenter: enough to spell inventory paths.
type entity struct {
	name   string
	parent types.ManagedObjectReference
	kind   string
}

type rawVM struct {
	name, uuid, power string
	parent            types.ManagedObjectReference
}

type inventory struct {
	vms      []rawVM
	entities map[types.ManagedObjectReference]entity
}

// list fetches every VM, folder and datacenter under the root folder with
// one ContainerView and one Retrieve. Folders and datacenters come along
// so that VM folders read as paths (/DC0/vm/eksa) without more calls, and
// the datacenter is picked in memory rather than looked up first.
func list(ctx context.Context, c *vim25.Client) (*inventory, error) {
	v, err := view.NewManager(c).CreateContainerView(ctx, c.ServiceContent.RootFolder,
		[]string{"VirtualMachine", "Folder", "Datacenter"}, true)
	if err != nil {
		return nil, err
	}
	var content []types.ObjectContent
	err = v.Retrieve(ctx, []string{"VirtualMachine"}, vmProperties, &content,
		types.PropertySpec{Type: "Folder", PathSet: []string{"name", "parent"}},
		types.PropertySpec{Type: "Datacenter", PathSet: []string{"name", "parent"}})
	if err != nil {
		return nil, err
	}
	inv := &inventory{entities: map[types.ManagedObjectReference]entity{}}
	for _, oc := range content {
		if oc.Obj.Type == "VirtualMachine" {
			inv.vms = append(inv.vms, toVM(oc))
			continue
		}
		e := entity{kind: oc.Obj.Type}
		for _, p := range oc.PropSet {
			switch p.Name {
			case "name":
				e.name, _ = p.Val.(string)
			case "parent":
				e.parent, _ = p.Val.(types.ManagedObjectReference)
			}
		}
		inv.entities[oc.Obj] = e
	}
	return inv, nil
}

// toVM reads the properties a VM reported; an inaccessible VM reports no
// config, and so no UUID: it is still counted.
func toVM(oc types.ObjectContent) rawVM {
	var vm rawVM
	for _, p := range oc.PropSet {
		switch p.Name {
		case "name":
			vm.name, _ = p.Val.(string)
		case "parent":
			vm.parent, _ = p.Val.(types.ManagedObjectReference)
		case "config.uuid":
			vm.uuid, _ = p.Val.(string)
		case "runtime.powerState":
			if s, ok := p.Val.(types.VirtualMachinePowerState); ok {
				vm.power = string(s)
			}
		}
	}
	return vm
}

// path spells an entity's inventory path. The root folder is not in the
// view, so the walk stops there, as inventory paths do (/DC0/vm).
func (inv *inventory) path(ref types.ManagedObjectReference) string {
	var parts []string
	for i := 0; i < 64; i++ { // bounded: a malformed answer must not loop
		e, ok := inv.entities[ref]
		if !ok {
			break
		}
		parts = append(parts, e.name)
		ref = e.parent
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/")
}

// datacenterPaths lists every datacenter's inventory path.
func (inv *inventory) datacenterPaths() []string {
	var out []string
	for ref, e := range inv.entities {
		if e.kind == "Datacenter" {
			out = append(out, inv.path(ref))
		}
	}
	return out
}
