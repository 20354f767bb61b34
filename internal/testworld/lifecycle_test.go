package testworld_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// serverProcesses counts running kube-apiserver and etcd processes whose
// command line names dir: this world's own (their data and certificate
// folders are under its TMPDIR), not those of tests running beside it.
func serverProcesses(t *testing.T, dir string) int {
	t.Helper()
	out, _ := exec.Command("pgrep", "-f", os.Getenv(testworld.EnvAssets)+"/.*"+dir).Output()
	return len(strings.Fields(string(out)))
}

// TestWorld_StopLeavesNothing is not parallel: it counts processes.
func TestWorld_StopLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real API servers")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // envtest's and vcsim's temporary files
	before := serverProcesses(t, tmp)
	w, err := testworld.Start(t.Context(), testworld.Options{Scenario: testworld.Stranded, Dir: t.TempDir(), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if got := serverProcesses(t, tmp); got != before+4 {
		t.Errorf("running servers = %d, want %d (two kube-apiserver, two etcd)", got, before+4)
	}
	vcsim := w.VCSim.URL.Host
	if err := w.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	if got := serverProcesses(t, tmp); got != before {
		t.Errorf("servers left running after Stop = %d, want %d", got-before, 0)
	}
	if conn, err := net.DialTimeout("tcp", vcsim, time.Second); err == nil {
		_ = conn.Close()
		t.Errorf("vcsim still answers on %s after Stop", vcsim)
	}
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		t.Errorf("left in TMPDIR after Stop: %s", e.Name())
	}
}

// TestWorld_VCenter: a VM per Machine whose config.uuid is the Machine's
// providerID, and a real password check.
func TestWorld_VCenter(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.PausedInPlace, Flavour: testworld.V1Beta2, WorkloadClusters: 2})
	env := map[string]string{}
	for _, v := range w.Env() {
		env[v.Name] = v.Value
	}
	u, err := url.Parse(env["GOVC_URL"])
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	u.User = url.UserPassword(env["EKSA_VSPHERE_USERNAME"], "wrong-"+env["EKSA_VSPHERE_PASSWORD"])
	if _, err := govmomi.NewClient(ctx, u, true); err == nil || !strings.Contains(err.Error(), "Login failure") {
		t.Errorf("login with a wrong password = %v, want a Login failure", err)
	}

	u.User = url.UserPassword(env["EKSA_VSPHERE_USERNAME"], env["EKSA_VSPHERE_PASSWORD"])
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		t.Fatalf("login with world.env's credentials: %v", err)
	}
	defer func() { _ = c.Logout(context.WithoutCancel(ctx)) }()
	v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var vms []mo.VirtualMachine
	if err := v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"name", "config.uuid", "runtime.powerState"}, &vms); err != nil {
		t.Fatal(err)
	}
	byUUID := map[string]mo.VirtualMachine{}
	for _, vm := range vms {
		byUUID[vm.Config.Uuid] = vm
	}
	want := 0
	for _, cl := range w.Clusters {
		for _, m := range cl.Machines {
			want++
			vm, ok := byUUID[m.UUID]
			switch {
			case !ok:
				t.Errorf("no VM with uuid %s for machine %s", m.UUID, m.Name)
			case vm.Name != m.Name || vm.Runtime.PowerState != "poweredOn":
				t.Errorf("VM for %s = %s %s, want %s poweredOn", m.Name, vm.Name, vm.Runtime.PowerState, m.Name)
			}
		}
	}
	if want != 9 || len(vms) != want {
		t.Errorf("VMs = %d, machines = %d, want 9 of each (cluster3 and two workload clusters)", len(vms), want)
	}
}
