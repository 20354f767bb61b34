package diagnose

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// cluster3's VMs as the world's vcsim holds them, all powered on.
const (
	cpVM     = "cluster3-2snw8"
	etcdVM   = "cluster3-etcd-chkc5"
	workerVM = "cluster3-md-0-854976576-tw6hr"
	orphanVM = "cluster3-md-0-854976576-zzzzz"
)

func vcFacts(change func(*VCenterFacts)) *VCenterFacts {
	vc := &VCenterFacts{Result: vcresult.Result{Server: "vc.example.com:443", Datacenter: "DC0", Checked: 40, RoundTrips: 5}}
	for _, name := range []string{cpVM, etcdVM, workerVM} {
		vc.VMs = append(vc.VMs, vcresult.VM{Name: name, PowerState: "poweredOn", Folder: "/DC0/vm", Machine: name})
	}
	if change != nil {
		change(vc)
	}
	return vc
}

// power sets a VM's power state.
func power(name, state string) func(*VCenterFacts) {
	return func(vc *VCenterFacts) {
		for i := range vc.VMs {
			if vc.VMs[i].Name == name {
				vc.VMs[i].PowerState = state
			}
		}
	}
}

func orphan(state string) func(*VCenterFacts) {
	return func(vc *VCenterFacts) {
		vc.VMs = append(vc.VMs, vcresult.VM{Name: orphanVM, PowerState: state, Folder: "/DC0/vm"})
	}
}

// unmatched drops the VMs' Machines, as when the Machines could not be read.
func unmatched(vc *VCenterFacts) {
	for i := range vc.VMs {
		vc.VMs[i].Machine = ""
	}
}

func withVCenter(b *snapBuilder, vc *VCenterFacts) Input {
	in := b.build()
	in.VCenter = vc
	return in
}

func TestDiagnose_VCenterFindings(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		code   string
		want   []string // each in the message of one finding, in order; none: no finding of code
		sev    Severity
		object string
	}{
		{"all VMs running: only the count", withVCenter(newSnap().home(newK8s), vcFacts(nil)), CodeVMsChecked,
			[]string{"vCenter vc.example.com:443: 40 VMs checked, 3 of them cluster3's, in 5 SOAP calls"}, Info, ""},
		{"worker VM powered off", withVCenter(newSnap().home(newK8s), vcFacts(power(workerVM, "poweredOff"))), CodeVMPoweredOff,
			[]string{"VM " + workerVM + " of Machine " + workerVM + " is powered off in vCenter vc.example.com:443"}, Warning,
			"Machine/eksa-system/" + workerVM},
		{"control-plane VM powered off", withVCenter(newSnap().home(newK8s), vcFacts(power(cpVM, "poweredOff"))), CodeVMPoweredOff,
			[]string{"VM " + cpVM + " of control-plane Machine " + cpVM + " is powered off"}, Error, "Machine/eksa-system/" + cpVM},
		{"etcd VM suspended", withVCenter(newSnap().stranded(), vcFacts(power(etcdVM, "suspended"))), CodeVMSuspended,
			[]string{"VM " + etcdVM + " of etcd Machine " + etcdVM + " is suspended"}, Error, "Machine/eksa-system/" + etcdVM},
		{"Machine without VM", withVCenter(newSnap().home(newK8s), vcFacts(func(vc *VCenterFacts) {
			vc.VMs, vc.MachinesWithoutVM = vc.VMs[1:], []string{cpVM}
		})), CodeMachineWithoutVM, []string{"Machine " + cpVM + " has no VM in vCenter vc.example.com:443"}, Error, "Machine/eksa-system/" + cpVM},
		{"orphan VM", withVCenter(newSnap().home(newK8s), vcFacts(orphan("poweredOn"))), CodeOrphanVM,
			[]string{"VM " + orphanVM + " (poweredOn, in /DC0/vm) is named and filed as cluster3's, but no Machine points to it"},
			Warning, "VirtualMachine/" + orphanVM},
		{"no orphan while KinD cannot be read", withVCenter(newSnap().home(newK8s).kind().kindDown(), vcFacts(orphan("poweredOn"))),
			CodeOrphanVM, nil, "", ""},
		{"Machines unknown: a powered-off VM is still said", withVCenter(newSnap().mgmtDown(), vcFacts(func(vc *VCenterFacts) {
			unmatched(vc)
			power(cpVM, "poweredOff")(vc)
		})), CodeVMPoweredOff, []string{"VM " + cpVM + " of cluster3 is powered off in vCenter vc.example.com:443 (its Machine could not be read)"},
			Error, "VirtualMachine/" + cpVM},
		{"not checked", withVCenter(newSnap().home(newK8s), &VCenterFacts{Skipped: "set EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD"}),
			CodeVCenterNotChecked, []string{"vCenter was not checked: set EKSA_VSPHERE_USERNAME"}, Info, ""},
		{"not a vSphere cluster: nothing", newSnap().home(newK8s).build(), CodeVMsChecked, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findingsWith(Diagnose(tt.in), tt.code)
			if len(got) != len(tt.want) {
				t.Fatalf("Diagnose(...) %s findings = %+v, want %d", tt.code, got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i].Message, w) {
					t.Errorf("Diagnose(...) %s finding #%d = %q, want it to contain %q", tt.code, i, got[i].Message, w)
				}
			}
			if len(got) > 0 && (got[0].Severity != tt.sev || got[0].Object != tt.object) {
				t.Errorf("Diagnose(...) %s = %s on %q, want %s on %q", tt.code, got[0].Severity, got[0].Object, tt.sev, tt.object)
			}
		})
	}
}

func TestDiagnose_VCenterHealthy(t *testing.T) {
	r := Diagnose(withVCenter(newSnap().home(newK8s), vcFacts(nil)))
	if r.State != Healthy || len(r.Findings) != 1 {
		t.Errorf("Diagnose(healthy, VMs running) = %s with %+v, want Healthy with the VMsChecked finding only", r.State, r.Findings)
	}
	data, _ := json.Marshal(r)
	if want := `"vcenter":{"server":"vc.example.com:443","datacenter":"DC0","checked":40,"roundTrips":5,"clusterVMs":3}`; !strings.Contains(string(data), want) {
		t.Errorf("Diagnose(...) JSON = %s\nwant it to contain %s", data, want)
	}
	if r := Diagnose(newSnap().home(newK8s).build()); r.VCenter != nil {
		t.Errorf("Diagnose(no vCenter).VCenter = %+v, want nil", r.VCenter)
	}
}

func TestDiagnose_VCenterTree(t *testing.T) {
	in := withVCenter(newSnap().home(newK8s), vcFacts(func(vc *VCenterFacts) {
		power(workerVM, "poweredOff")(vc)
		vc.VMs, vc.MachinesWithoutVM = vc.VMs[1:], []string{cpVM}
	}))
	got := map[string]string{}
	var walk func(n *TreeNode)
	walk = func(n *TreeNode) {
		if n.Kind == "Machine" {
			got[n.Name] = n.VM
		} else if n.VM != "" {
			t.Errorf("tree node %s/%s has VM %q, want only Machines to", n.Kind, n.Name, n.VM)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(Diagnose(in).Tree)
	want := map[string]string{cpVM: "missing", etcdVM: "poweredOn", workerVM: "poweredOff"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("tree Machine %s VM = %q, want %q", name, got[name], w)
		}
	}
}

// TestDiagnose_ManagementUnreachableVMs: the control plane's VMs being off
// is the cause; the first step powers them on, and nothing is moved.
func TestDiagnose_ManagementUnreachableVMs(t *testing.T) {
	tests := []struct {
		name    string
		in      Input
		first   string
		summary string
	}{
		{"stranded: control-plane and etcd VMs off, a worker off too", withVCenter(newSnap().stranded().mgmtDown(), vcFacts(func(vc *VCenterFacts) {
			power(cpVM, "poweredOff")(vc)
			power(etcdVM, "suspended")(vc)
			power(workerVM, "poweredOff")(vc)
		})), "govc vm.power -on /DC0/vm/" + cpVM + " /DC0/vm/" + etcdVM, "vCenter shows the VMs it needs not running: " + cpVM + ", " + etcdVM},
		{"Machines unknown: every VM of the cluster that is off", withVCenter(newSnap().mgmtDown(), vcFacts(func(vc *VCenterFacts) {
			unmatched(vc)
			power(cpVM, "poweredOff")(vc)
			power(workerVM, "poweredOff")(vc)
		})), "govc vm.power -on /DC0/vm/" + cpVM + " /DC0/vm/" + workerVM, cpVM + ", " + workerVM},
		{"VMs running: no power step", withVCenter(newSnap().stranded().mgmtDown(), vcFacts(nil)),
			"kubectl --kubeconfig /w/cluster3/cluster3-eks-a-cluster.kubeconfig get --raw /readyz", "does not answer: i/o timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in)
			if r.State != ManagementUnreachable {
				t.Fatalf("Diagnose(...) = %s, want ManagementUnreachable", r.State)
			}
			if cmds := commands(r); len(cmds) == 0 || cmds[0] != tt.first {
				t.Errorf("Diagnose(...) first step = %q, want %q", cmds, tt.first)
			}
			for _, s := range r.NextSteps {
				if strings.Contains(s.Command, " move") || strings.Contains(s.Command, "--force-cleanup") {
					t.Errorf("Diagnose(...) step %q moves or deletes while management is down", s.Command)
				}
			}
			if !strings.Contains(r.Summary, tt.summary) {
				t.Errorf("Diagnose(...) summary = %q, want it to contain %q", r.Summary, tt.summary)
			}
		})
	}
}

// TestDiagnose_VCenterState: a Machine whose VM is not running keeps the
// cluster from Healthy; an orphan VM does not.
func TestDiagnose_VCenterState(t *testing.T) {
	tests := []struct {
		name  string
		in    Input
		state State
		steps []string
	}{
		{"orphan only", withVCenter(newSnap().home(newK8s), vcFacts(orphan("poweredOn"))), Healthy, []string{}},
		{"worker VM off", withVCenter(newSnap().home(newK8s), vcFacts(power(workerVM, "poweredOff"))), UpgradeIncomplete,
			[]string{"govc vm.power -on /DC0/vm/" + workerVM, status}},
		{"VM missing", withVCenter(newSnap().home(newK8s), vcFacts(func(vc *VCenterFacts) {
			vc.VMs, vc.MachinesWithoutVM = vc.VMs[1:], []string{cpVM}
		})), UpgradeIncomplete, []string{status}},
		{"skew and a VM off: power on, then rerun", withVCenter(newSnap().home(oldK8s), vcFacts(power(workerVM, "suspended"))), UpgradeIncomplete,
			[]string{"govc vm.power -on /DC0/vm/" + workerVM, rerun}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose(tt.in)
			if r.State != tt.state || strings.Join(commands(r), "|") != strings.Join(tt.steps, "|") {
				t.Errorf("Diagnose(...) = %s %q, want %s %q", r.State, commands(r), tt.state, tt.steps)
			}
		})
	}
	r := Diagnose(withVCenter(newSnap().home(newK8s), vcFacts(power(workerVM, "poweredOff"))))
	if want := "1 machine whose VM is missing, powered off or suspended in vCenter"; !strings.Contains(r.Summary, want) {
		t.Errorf("Diagnose(worker VM off) summary = %q, want it to contain %q", r.Summary, want)
	}
}
