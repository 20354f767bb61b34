package vsphere_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// The cluster the tests give vcsim: a control-plane, an etcd and a worker
// VM, named as CAPV names them.
var (
	cp     = testworld.Machine{Name: "c3-2snw8", UUID: "4230efe1-e1f5-c8e5-9bff-12eca320f5db"}
	etcd   = testworld.Machine{Name: "c3-etcd-chkc5", UUID: "4230826c-b25d-937a-4728-3e607e6af579"}
	worker = testworld.Machine{Name: "c3-md-0-854976576-tw6hr", UUID: "42301111-2222-3333-4444-555566667777"}
)

func expect(ms ...testworld.Machine) []vsphere.Expect {
	var out []vsphere.Expect
	for _, m := range ms {
		out = append(out, vsphere.Expect{Machine: m.Name, UUID: m.UUID})
	}
	return out
}

// startVCSim starts the world's vcsim with the three VMs and returns a
// Config that trusts it by thumbprint.
func startVCSim(t *testing.T) (*testworld.VCSim, vsphere.Config) {
	t.Helper()
	v, err := testworld.StartVCSim()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Stop)
	if err := v.AddVMs(t.Context(), []testworld.Machine{cp, etcd, worker}); err != nil {
		t.Fatal(err)
	}
	return v, vsphere.Config{Server: v.URL.Host, Datacenter: "DC0", Thumbprint: v.Thumbprint(),
		Username: testworld.VCenterUser, Password: v.Password, Cluster: "c3", Folders: []string{"/DC0/vm"}}
}

// codes reads the result as if the Machines given were all the cluster's,
// as diagnose does: then a VM of the cluster that none points to is an
// orphan. Machines without VM first, then by VM name.
func codes(res *vcresult.Result) string {
	var out []string
	for _, m := range res.MachinesWithoutVM {
		out = append(out, "MachineWithoutVM:"+m)
	}
	for _, vm := range res.VMs {
		switch {
		case vm.Machine == "":
			out = append(out, "OrphanVM:"+vm.Name)
		case vm.PowerState == vcresult.PoweredOff:
			out = append(out, "VMPoweredOff:"+vm.Machine+vm.Name)
		case vm.PowerState == vcresult.Suspended:
			out = append(out, "VMSuspended:"+vm.Machine+vm.Name)
		}
	}
	return strings.Join(out, ",")
}

func TestCheck_Findings(t *testing.T) {
	ctx := t.Context()
	v, cfg := startVCSim(t)

	res, err := vsphere.Check(ctx, cfg, expect(cp, etcd, worker))
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(res); got != "" || res.Checked != 3 || len(res.VMs) != 3 {
		t.Fatalf("Check(all well) = findings %q, %d checked, %d VMs; want none, 3, 3", got, res.Checked, len(res.VMs))
	}
	if res.Server != v.URL.Host || res.Datacenter != "DC0" {
		t.Errorf("Check(...) = server %q, datacenter %q; want %q, DC0 (as asked)", res.Server, res.Datacenter, v.URL.Host)
	}
	// Login, view, Retrieve, logout: whatever the number of VMs.
	if res.RoundTrips != 5 {
		t.Errorf("Check(...).RoundTrips = %d, want 5 (service content, login, view, retrieve, logout)", res.RoundTrips)
	}
	if vm := res.VMs[0]; vm.Name != cp.Name || vm.Machine != cp.Name || vm.PowerState != vcresult.PoweredOn || vm.Path() != "/DC0/vm/"+cp.Name {
		t.Errorf("Check(...).VMs[0] = %+v, want %s powered on in /DC0/vm, pointed to by its Machine", vm, cp.Name)
	}

	for _, step := range []func() error{
		func() error { return v.PowerOff(ctx, worker.Name) },
		func() error { return v.Suspend(ctx, etcd.Name) },
		func() error { return v.DestroyVM(ctx, cp.Name) },
		func() error { return v.AddOrphanVM(ctx, "c3-md-0-854976576-zzzzz") },
		// Neither the cluster's by name nor by folder: never an orphan.
		func() error { return v.AddOrphanVM(ctx, "c3-w1-abcde") },
		func() error { return v.AddOrphanVM(ctx, "other-abcde") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	cfg.OtherClusters = []string{"c3-w1"}
	res, err = vsphere.Check(ctx, cfg, expect(cp, etcd, worker))
	if err != nil {
		t.Fatal(err)
	}
	// Machines without VM first, then by VM name.
	want := "MachineWithoutVM:c3-2snw8,VMSuspended:c3-etcd-chkc5c3-etcd-chkc5," +
		"VMPoweredOff:c3-md-0-854976576-tw6hrc3-md-0-854976576-tw6hr,OrphanVM:c3-md-0-854976576-zzzzz"
	if got := codes(res); got != want {
		t.Errorf("codes(Check(faults)) = %s\nwant %s", got, want)
	}
	if res.Checked != 5 {
		t.Errorf("Check(faults).Checked = %d, want 5", res.Checked)
	}
}

// A Machine CAPV has not given a providerID yet is matched by name.
func TestCheck_MachineWithoutProviderID(t *testing.T) {
	_, cfg := startVCSim(t)
	res, err := vsphere.Check(t.Context(), cfg, []vsphere.Expect{{Machine: cp.Name}, {Machine: etcd.Name, UUID: etcd.UUID}, {Machine: worker.Name, UUID: worker.UUID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(res); got != "" {
		t.Errorf("codes(Check(cp without providerID)) = %s, want none", got)
	}
	checkVMsListed(t, res)
}

// checkVMsListed: the check listed the three VMs, each matched to its
// Machine; no finding is no proof when no VM was looked at.
func checkVMsListed(t *testing.T, res *vcresult.Result) {
	t.Helper()
	matched := map[string]bool{}
	for _, vm := range res.VMs {
		if vm.Machine != "" && vm.Machine == vm.Name {
			matched[vm.Machine] = true
		}
	}
	if res.Checked != 3 || len(res.VMs) != 3 || !matched[cp.Name] || !matched[etcd.Name] || !matched[worker.Name] {
		t.Errorf("Check(...) checked %d, listed %d VMs (%+v); want all 3 listed, each matched to its Machine", res.Checked, len(res.VMs), res.VMs)
	}
}

func TestCheck_Errors(t *testing.T) {
	v, good := startVCSim(t)
	// A listener that accepts and never answers: a vCenter behind a dead route.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = silent.Close() }()
	closedAddr := testworld.RefusingAddr(t)

	tests := []struct {
		name    string
		change  func(*vsphere.Config)
		kind    vsphere.ErrorKind
		wantErr string
	}{
		{"wrong password", func(c *vsphere.Config) { c.Password = "not-" + v.Password }, vsphere.ErrLogin,
			"vCenter " + v.URL.Host + " rejected the login for administrator@vsphere.local"},
		{"wrong user", func(c *vsphere.Config) { c.Username = "root" }, vsphere.ErrLogin, "rejected the login for root"},
		{"refused", func(c *vsphere.Config) { c.Server = closedAddr }, vsphere.ErrUnreachable, "vCenter " + closedAddr + " is unreachable (connection refused)"},
		{"unknown host", func(c *vsphere.Config) { c.Server = "vcenter.invalid" }, vsphere.ErrUnreachable, "vCenter vcenter.invalid:443 is unreachable"},
		{"silent", func(c *vsphere.Config) { c.Server = silent.Addr().String() }, vsphere.ErrTimeout, "did not answer in time"},
		{"no thumbprint", func(c *vsphere.Config) { c.Thumbprint = "" }, vsphere.ErrUntrusted, "certificate is not trusted (certificate signed by unknown authority) and no thumbprint was given"},
		{"wrong thumbprint", func(c *vsphere.Config) { c.Thumbprint = strings.Repeat("AB:", 19) + "AB" }, vsphere.ErrThumbprint, "does not match the thumbprint AB:AB"},
		{"no datacenter", func(c *vsphere.Config) { c.Datacenter = "DC9" }, vsphere.ErrNoDatacenter, `has no datacenter "DC9"`},
		// Bad input: nothing is sent, so it is not vCenter's answer.
		{"bad server", func(c *vsphere.Config) { c.Server = "vc:notaport" }, vsphere.ErrBadServer, `vCenter server "vc:notaport" is not a host name or URL`},
		{"no server", func(c *vsphere.Config) { c.Server = " " }, vsphere.ErrBadServer, "no vCenter server given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			_, err := vsphere.Check(ctx, cfg, expect(cp))
			e, ok := err.(*vsphere.Error)
			if !ok || e.Kind != tt.kind || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check(%s) = %v, want kind %d containing %q", tt.name, err, tt.kind, tt.wantErr)
			}
			if answered := tt.kind != vsphere.ErrBadServer; e.Answered() != answered {
				t.Errorf("Check(%s) error.Answered() = %v, want %v", tt.name, e.Answered(), answered)
			}
			if msg := err.Error(); strings.Contains(msg, v.Password) || strings.Contains(msg, "\n") {
				t.Errorf("Check(%s) error %q holds the password or a newline", tt.name, msg)
			}
		})
	}
}

// --vsphere-insecure: no thumbprint, or a wrong one, and still logged in.
func TestCheck_Insecure(t *testing.T) {
	_, cfg := startVCSim(t)
	cfg.Thumbprint, cfg.Insecure = "AB:CD", true
	res, err := vsphere.Check(t.Context(), cfg, expect(cp, etcd, worker))
	if err != nil {
		t.Fatalf("Check(insecure) = %v, want no error", err)
	}
	checkVMsListed(t, res)
}
