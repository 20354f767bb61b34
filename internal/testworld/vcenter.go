package testworld

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// VCenterUser is the account the world's vcsim accepts.
const VCenterUser = "administrator@vsphere.local"

// VCSim is an in-process vCenter simulator with a VM per seeded Machine.
// vcsim accepts any password unless Service.Listen carries one, so it does:
// a wrong-password test then really fails to log in.
type VCSim struct {
	model    *simulator.Model
	server   *simulator.Server
	URL      *url.URL // without credentials
	Password string
}

// StartVCSim starts vcsim over TLS on loopback with an empty datacenter DC0.
func StartVCSim() (*VCSim, error) {
	model := simulator.VPX()
	model.Host = 0
	model.Machine = 0
	if err := model.Create(); err != nil {
		return nil, fmt.Errorf("creating vcsim model: %w", err)
	}
	password := randomHex(12)
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(VCenterUser, password)}
	model.Service.RegisterEndpoints = true
	server := model.Service.NewServer()
	u := *server.URL
	u.User = nil
	return &VCSim{model: model, server: server, URL: &u, Password: password}, nil
}

// Thumbprint is the SHA-1 thumbprint of vcsim's certificate, as EKS-A's
// VSphereDatacenterConfig carries it.
func (v *VCSim) Thumbprint() string { return v.server.CertificateInfo().ThumbprintSHA1 }

// VCenter describes the simulator for the cluster builder.
func (v *VCSim) VCenter() VCenter {
	vc := NewCluster(V1Beta1, "x").vcenter
	vc.Server = v.URL.Host
	vc.Thumbprint = v.Thumbprint()
	return vc
}

// AddVMs creates a powered-on VM for each Machine, named as CAPV names them
// and with config.uuid equal to the Machine's BIOS UUID.
func (v *VCSim) AddVMs(ctx context.Context, machines []Machine) error {
	c, finder, dc, err := v.login(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(ctx) }()
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	pool, err := finder.DefaultResourcePool(ctx)
	if err != nil {
		return err
	}
	for _, m := range machines {
		spec := types.VirtualMachineConfigSpec{
			Name: m.Name, Uuid: m.UUID, GuestId: "otherLinux64Guest",
			Files: &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
		}
		task, err := folders.VmFolder.CreateVM(ctx, spec, pool, nil)
		if err != nil {
			return fmt.Errorf("creating VM %s: %w", m.Name, err)
		}
		info, err := task.WaitForResult(ctx)
		if err != nil {
			return fmt.Errorf("creating VM %s: %w", m.Name, err)
		}
		vm := object.NewVirtualMachine(c.Client, info.Result.(types.ManagedObjectReference))
		power, err := vm.PowerOn(ctx)
		if err == nil {
			err = power.Wait(ctx)
		}
		if err != nil {
			return fmt.Errorf("powering on VM %s: %w", m.Name, err)
		}
	}
	return nil
}

// Stop closes the server and removes vcsim's files.
func (v *VCSim) Stop() {
	v.server.Close()
	v.model.Remove()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// login opens a session on vcsim with a finder set to its datacenter DC0;
// the caller logs out.
func (v *VCSim) login(ctx context.Context) (*govmomi.Client, *find.Finder, *object.Datacenter, error) {
	c, err := govmomi.NewClient(ctx, v.LoginURL(), true)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("logging in to vcsim: %w", err)
	}
	finder := find.NewFinder(c.Client, true)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		_ = c.Logout(ctx)
		return nil, nil, nil, err
	}
	finder.SetDatacenter(dc)
	return c, finder, dc, nil
}
