package main_test

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// The vCenter cross-check against the world's vcsim, whose VMs match every
// Machine: each finding, each error, and the password kept out of output.

type vcenterJSON struct {
	State    string `json:"state"`
	Summary  string `json:"summary"`
	Findings []struct {
		Severity, Code, Object, Message string
	} `json:"findings"`
	VCenter *struct {
		Server     string `json:"server"`
		Checked    int    `json:"checked"`
		RoundTrips int    `json:"roundTrips"`
		ClusterVMs int    `json:"clusterVMs"`
	} `json:"vcenter"`
	Tree      *treeJSON `json:"tree"`
	NextSteps []struct {
		Command string `json:"command"`
	} `json:"nextSteps"`
}

type treeJSON struct {
	Kind, Name, VM string
	Children       []*treeJSON
}

// vms maps each Machine in the tree to its VM column.
func (n *treeJSON) vms(out map[string]string) map[string]string {
	if n == nil {
		return out
	}
	if n.Kind == "Machine" {
		out[n.Name] = n.VM
	}
	for _, c := range n.Children {
		c.vms(out)
	}
	return out
}

// codes lists the findings' codes with their objects, as code=object.
func (r vcenterJSON) codes() map[string]string {
	out := map[string]string{}
	for _, f := range r.Findings {
		out[f.Code] = f.Object
	}
	return out
}

func credentials(w *testworld.World, password string) []string {
	return []string{"EKSA_VSPHERE_USERNAME=" + testworld.VCenterUser, "EKSA_VSPHERE_PASSWORD=" + password}
}

func statusJSONWith(t *testing.T, w *testworld.World, env []string, args ...string) (vcenterJSON, result) {
	t.Helper()
	res := runEnv(t, w.Dir, env, append([]string{"status", "-o", "json"}, args...)...)
	var got vcenterJSON
	if res.code != 1 {
		if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
			t.Fatalf("status -o json is not JSON (exit %d, stderr %q): %v", res.code, res.stderr, err)
		}
	}
	return got, res
}

func machineNames(w *testworld.World) (cp, etcd, worker string) {
	for _, m := range w.Cluster3().Machines {
		switch m.Role {
		case testworld.RoleControlPlane:
			cp = m.Name
		case testworld.RoleEtcd:
			etcd = m.Name
		default:
			worker = m.Name
		}
	}
	return cp, etcd, worker
}

func TestStatusVCenter_Healthy(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	env := credentials(w, w.VCSim.Password)

	got, res := statusJSONWith(t, w, env)
	if res.code != 0 || got.State != "Healthy" || got.VCenter == nil {
		t.Fatalf("status with vCenter = exit %d, %s, vcenter %+v; want 0, Healthy, checked (stderr %q)", res.code, got.State, got.VCenter, res.stderr)
	}
	if vc := got.VCenter; vc.Checked != 3 || vc.ClusterVMs != 3 || vc.RoundTrips > 5 {
		t.Errorf("vcenter = %+v, want 3 VMs checked, 3 of cluster3, at most 5 SOAP calls", *vc)
	}
	if codes := got.codes(); len(codes) != 1 || codes["VMsChecked"] != "" {
		t.Errorf("findings = %+v, want VMsChecked only", got.Findings)
	}
	for m, vm := range got.Tree.vms(map[string]string{}) {
		if vm != "poweredOn" {
			t.Errorf("tree Machine %s vm = %q, want poweredOn", m, vm)
		}
	}
	text := runEnv(t, w.Dir, env, "status")
	if !strings.Contains(text.stdout, "· vCenter "+w.VCSim.URL.Host+": 3 VMs checked, 3 of them cluster3's") {
		t.Errorf("status (text) lacks the vCenter finding:\n%s", text.stdout)
	}

	// Without credentials it says so; with --vsphere=false it says nothing.
	got, _ = statusJSONWith(t, w, nil)
	if got.VCenter != nil || !strings.Contains(findingMessage(got, "VCenterNotChecked"), "EKSA_VSPHERE_USERNAME") {
		t.Errorf("status without credentials: vcenter %+v, findings %+v; want a VCenterNotChecked finding", got.VCenter, got.Findings)
	}
	got, _ = statusJSONWith(t, w, env, "--vsphere=false")
	if _, noted := got.codes()["VCenterNotChecked"]; got.VCenter != nil || noted {
		t.Errorf("status --vsphere=false: vcenter %+v, findings %+v; want neither", got.VCenter, got.Findings)
	}

	// At -v=9 the password shows nowhere, whether vCenter takes it or not.
	for _, password := range []string{w.VCSim.Password, "wrong-" + w.VCSim.Password} {
		for _, args := range [][]string{{"status", "-v=9"}, {"status", "-o", "json", "-v=9"}} {
			res := runEnv(t, w.Dir, credentials(w, password), args...)
			if !strings.Contains(res.stderr, "vCenter "+w.VCSim.URL.Host) {
				t.Errorf("%v: stderr shows no vCenter log at -v=9; the test would prove nothing", args)
			}
			if strings.Contains(res.stdout, password) || strings.Contains(res.stderr, password) {
				t.Errorf("%v printed the vCenter password", args)
			}
		}
	}
}

func findingMessage(r vcenterJSON, code string) string {
	for _, f := range r.Findings {
		if f.Code == code {
			return f.Message
		}
	}
	return ""
}

// TestStatusVCenter_Errors: each is bad input with --vsphere, one line, exit
// 1; without it, vCenter's own failures are a warning and the verdict stands.
func TestStatusVCenter_Errors(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	host, thumbprint := w.VCSim.URL.Host, w.VCSim.Thumbprint()
	env := credentials(w, w.VCSim.Password)
	closedAddr := testworld.RefusingAddr(t)
	// Accepts and never answers: a vCenter behind a dead route.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = silent.Close() }()

	tests := []struct {
		name               string
		server, thumbprint string
		env                []string
		args               []string
		want               string
	}{
		{"wrong password", host, thumbprint, credentials(w, "not-"+w.VCSim.Password), nil,
			"vCenter " + host + " rejected the login for administrator@vsphere.local: check EKSA_VSPHERE_USERNAME and EKSA_VSPHERE_PASSWORD"},
		{"password unset", host, thumbprint, env[:1], nil, "EKSA_VSPHERE_USERNAME is set but EKSA_VSPHERE_PASSWORD is not"},
		{"refused", closedAddr, thumbprint, env, nil, "vCenter " + closedAddr + " is unreachable (connection refused): check the network"},
		{"timeout", silent.Addr().String(), thumbprint, env, []string{"--request-timeout", "2s"},
			"vCenter " + silent.Addr().String() + " did not answer in time (--request-timeout 2s)"},
		{"no thumbprint", host, "", env, nil, "certificate is not trusted (certificate signed by unknown authority) and no thumbprint " +
			"was given: pass its thumbprint with --vsphere-thumbprint"},
		{"wrong thumbprint", host, strings.Repeat("AB:", 19) + "AB", env, nil,
			"does not match the thumbprint AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB (from VSphereDatacenterConfig default/cluster3 " +
				"on the management cluster): if vCenter's certificate changed, pass the new thumbprint with --vsphere-thumbprint"},
	}
	for _, tt := range tests {
		if err := w.SetVCenter(t.Context(), tt.server, tt.thumbprint); err != nil {
			t.Fatal(err)
		}
		// Asked for with --vsphere, a failed check is an error, exit 1.
		res := runEnv(t, w.Dir, tt.env, append([]string{"status", "--vsphere"}, tt.args...)...)
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if res.code != 1 || len(lines) != 1 || !strings.Contains(res.stderr, tt.want) || res.stdout != "" {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q; want exit 1, no stdout and one line containing %q",
				tt.name, res.code, len(res.stdout), res.stderr, tt.want)
		}
		// Turned on by itself, vCenter's failure is a warning and the
		// verdict stands (a half-set pair of variables is still bad input).
		if tt.name == "password unset" {
			continue
		}
		got, res := statusJSONWith(t, w, tt.env, tt.args...)
		if res.code != 0 || got.State != "Healthy" || !strings.Contains(got.codes()["VCenterCheckFailed"]+findingMessage(got, "VCenterCheckFailed"), tt.want) {
			t.Errorf("%s without --vsphere: exit %d, state %s, findings %+v; want 0, Healthy and a VCenterCheckFailed warning containing %q",
				tt.name, res.code, got.State, got.Findings, tt.want)
		}
	}

	// A wrong thumbprint is overridden by the flag, or skipped by --vsphere-insecure only.
	if err := w.SetVCenter(t.Context(), host, strings.Repeat("AB:", 19)+"AB"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--vsphere-thumbprint", thumbprint}, {"--vsphere-insecure"}} {
		if got, res := statusJSONWith(t, w, env, args...); res.code != 0 || got.VCenter == nil {
			t.Errorf("status %v = exit %d (stderr %q), want 0 with vCenter checked", args, res.code, res.stderr)
		}
	}
}

// TestStatusVCenter_Findings: a VM powered off, one suspended, one gone,
// and one left behind, in the report, the tree and the next steps.
func TestStatusVCenter_Findings(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	ctx := t.Context()
	cp, etcd, worker := machineNames(w)
	orphan := strings.TrimSuffix(worker, worker[len(worker)-5:]) + "zzzzz"
	for _, err := range []error{w.VCSim.PowerOff(ctx, worker), w.VCSim.Suspend(ctx, etcd), w.VCSim.DestroyVM(ctx, cp), w.VCSim.AddOrphanVM(ctx, orphan)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, res := statusJSONWith(t, w, credentials(w, w.VCSim.Password))
	if res.code != 2 || got.State != "UpgradeIncomplete" {
		t.Errorf("status = exit %d, %s; want 2, UpgradeIncomplete (stderr %q)", res.code, got.State, res.stderr)
	}
	want := map[string]string{
		"MachineWithoutVM": "Machine/eksa-system/" + cp,
		"VMSuspended":      "Machine/eksa-system/" + etcd,
		"VMPoweredOff":     "Machine/eksa-system/" + worker,
		"OrphanVM":         "VirtualMachine/" + orphan,
	}
	codes := got.codes()
	for code, object := range want {
		if codes[code] != object {
			t.Errorf("finding %s on %q, want on %q (all: %+v)", code, codes[code], object, got.Findings)
		}
	}
	vms := got.Tree.vms(map[string]string{})
	for m, vm := range map[string]string{cp: "missing", etcd: "suspended", worker: "poweredOff"} {
		if vms[m] != vm {
			t.Errorf("tree Machine %s vm = %q, want %q", m, vms[m], vm)
		}
	}
	if wantStep := "govc vm.power -on /DC0/vm/" + etcd + " /DC0/vm/" + worker; len(got.NextSteps) == 0 || got.NextSteps[0].Command != wantStep {
		t.Errorf("next steps = %+v, want %q first", got.NextSteps, wantStep)
	}
}

// TestStatusVCenter_ManagementDown: the management API server is down
// because its VMs are off. The server comes from the VSphereCluster in
// KinD; the next step powers the VMs on and nothing is moved.
func TestStatusVCenter_ManagementDown(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.ManagementDown})
	cp, etcd, _ := machineNames(w)
	for _, vm := range []string{cp, etcd} {
		if err := w.VCSim.PowerOff(t.Context(), vm); err != nil {
			t.Fatal(err)
		}
	}
	got, res := statusJSONWith(t, w, credentials(w, w.VCSim.Password), "--request-timeout", "5s")
	if res.code != 2 || got.State != "ManagementUnreachable" {
		t.Fatalf("status = exit %d, %s; want 2, ManagementUnreachable (stderr %q)", res.code, got.State, res.stderr)
	}
	if want := "govc vm.power -on /DC0/vm/" + cp + " /DC0/vm/" + etcd; len(got.NextSteps) == 0 || got.NextSteps[0].Command != want {
		t.Errorf("next steps = %+v, want %q first", got.NextSteps, want)
	}
	for _, s := range got.NextSteps {
		if strings.Contains(s.Command, " move") || strings.Contains(s.Command, "--force-cleanup") {
			t.Errorf("next step %q moves or deletes while management is down", s.Command)
		}
	}
	if !strings.Contains(got.Summary, "vCenter shows the VMs it needs not running: "+cp+", "+etcd) {
		t.Errorf("summary = %q, want it to name the VMs that are off", got.Summary)
	}
}
