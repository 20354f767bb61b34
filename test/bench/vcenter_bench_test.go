//go:build bench

package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere"
)

// Knobs for the vCenter benchmark:
//
//	EKSA_BENCH_VMS=1000          VMs in vcsim (default 1000)
//	EKSA_BENCH_LATENCY=2ms       vcsim's delay per SOAP call (default 2ms)
//	EKSA_BENCH_VCENTER_RUNS=3    measured runs per side (default 3)
const (
	envVCenterVMs     = "EKSA_BENCH_VMS"
	envVCenterLatency = "EKSA_BENCH_LATENCY"
	envVCenterRuns    = "EKSA_BENCH_VCENTER_RUNS"
)

// Goals at 1,000 VMs: the check lists every VM in at most 3 SOAP calls
// (login and logout aside, which any client pays) and is 10x faster than
// a lookup per VM.
const (
	vcGoalListCalls = 3
	vcGoalSpeedup   = 10.0
)

// loginCalls are what any client pays around its work: service content,
// login, logout.
const loginCalls = 3

type vcSample struct {
	calls int
	wall  time.Duration
}

// TestBenchVCenter prints the plugin's vCenter check (one ContainerView,
// one Retrieve) and a FindByUuid per Machine, side by side, against vcsim
// with a delay on every SOAP call, as a vCenter across a network has.
func TestBenchVCenter(t *testing.T) {
	n := vcEnvInt(t, envVCenterVMs, 1000)
	runs := vcEnvInt(t, envVCenterRuns, 3)
	latency := 2 * time.Millisecond
	if s := os.Getenv(envVCenterLatency); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("%s=%q: %v", envVCenterLatency, s, err)
		}
		latency = d
	}
	if n < 3 {
		t.Fatalf("%s=%d: a cluster has at least 3 Machines", envVCenterVMs, n)
	}
	ctx := t.Context()

	// Built once per run: vcsim creates VMs one task at a time.
	start := time.Now()
	v, err := testworld.StartVCSim()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Stop()
	cluster, err := testworld.NewCluster(testworld.V1Beta1, testworld.SeedClusterName).WithWorkers(n - 2).Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.AddVMs(ctx, cluster.Machines); err != nil {
		t.Fatal(err)
	}
	t.Logf("vcsim with %d VMs ready in %s", n, time.Since(start).Round(time.Second))
	v.SetLatency(latency)

	cfg := vsphere.Config{Server: v.URL.Host, Datacenter: "DC0", Thumbprint: v.Thumbprint(),
		Username: testworld.VCenterUser, Password: v.Password, Cluster: testworld.SeedClusterName, Folders: []string{"/DC0/vm"}}
	var machines []vsphere.Expect
	for _, m := range cluster.Machines {
		machines = append(machines, vsphere.Expect{Machine: m.Name, UUID: m.UUID})
	}

	var check, loop []vcSample
	for i := 0; i <= runs; i++ { // run 0 warms up both sides
		s, err := runCheck(ctx, cfg, machines)
		if err != nil {
			t.Fatal(err)
		}
		l, err := runFindByUUID(ctx, v, cfg.Thumbprint, machines)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			check, loop = append(check, s), append(loop, l)
		}
	}
	c, l := vcMedian(check), vcMedian(loop)
	speedup := float64(l.wall) / float64(c.wall)

	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 3, ' ', 0)
	fmt.Printf("\nvCenter check: %d VMs in vcsim, %s per SOAP call, median of %d runs\n", n, latency, runs)
	fmt.Fprintln(tw, "\tSOAP calls\tof which listing\twall\t")
	fmt.Fprintf(tw, "plugin: ContainerView + Retrieve\t%d\t%d\t%s\t\n", c.calls, c.calls-loginCalls, vcMs(c.wall))
	fmt.Fprintf(tw, "FindByUuid per Machine\t%d\t%d\t%s\t\n", l.calls, l.calls-loginCalls, vcMs(l.wall))
	_ = tw.Flush()
	listOK, fastOK := c.calls-loginCalls <= vcGoalListCalls, speedup >= vcGoalSpeedup
	fmt.Printf("plugin is %.1fx faster, with %.0fx fewer SOAP calls\n", speedup, float64(l.calls)/float64(c.calls))
	fmt.Printf("goals: listing in <= %d SOAP calls: %s; >= %.0fx faster: %s\n\n",
		vcGoalListCalls, vcYes(listOK), vcGoalSpeedup, vcYes(fastOK))
	// The goals are set for 1,000 VMs; a smaller world is for a quick look.
	if n >= 1000 && (!listOK || !fastOK) {
		t.Errorf("vCenter check misses its goals: %d listing calls (want <= %d), %.1fx faster (want >= %.0fx)",
			c.calls-loginCalls, vcGoalListCalls, speedup, vcGoalSpeedup)
	}
}

// runCheck is the plugin's check, as status runs it.
func runCheck(ctx context.Context, cfg vsphere.Config, machines []vsphere.Expect) (vcSample, error) {
	start := time.Now()
	res, err := vsphere.Check(ctx, cfg, machines)
	if err != nil {
		return vcSample{}, err
	}
	wall := time.Since(start)
	if len(res.MachinesWithoutVM) > 0 || res.Checked != len(machines) {
		return vcSample{}, fmt.Errorf("check found %d of %d VMs", res.Checked-len(res.MachinesWithoutVM), len(machines))
	}
	return vcSample{calls: res.RoundTrips, wall: wall}, nil
}

// runFindByUUID is what a per-Machine lookup costs: log in the same way,
// then one SearchIndex.FindByUuid per Machine, then log out.
func runFindByUUID(ctx context.Context, v *testworld.VCSim, thumbprint string, machines []vsphere.Expect) (vcSample, error) {
	var calls atomic.Int64
	start := time.Now()
	u := v.LoginURL()
	sc := soap.NewClient(u, false)
	sc.SetThumbprint(u.Host, thumbprint)
	rt := sc.Transport
	sc.Transport = vcCounter(func(req *http.Request) (*http.Response, error) {
		calls.Add(1)
		return rt.RoundTrip(req)
	})
	c, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return vcSample{}, err
	}
	sm := session.NewManager(c)
	if err := sm.Login(ctx, u.User); err != nil {
		return vcSample{}, err
	}
	si := object.NewSearchIndex(c)
	for _, m := range machines {
		ref, err := si.FindByUuid(ctx, nil, m.UUID, true, nil)
		if err == nil && ref == nil {
			err = fmt.Errorf("FindByUuid(%s): no VM", m.UUID)
		}
		if err != nil {
			_ = sm.Logout(ctx)
			return vcSample{}, err
		}
	}
	if err := sm.Logout(ctx); err != nil {
		return vcSample{}, err
	}
	return vcSample{calls: int(calls.Load()), wall: time.Since(start)}, nil
}

type vcCounter func(*http.Request) (*http.Response, error)

func (f vcCounter) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func vcMedian(s []vcSample) vcSample {
	sort.Slice(s, func(i, j int) bool { return s[i].wall < s[j].wall })
	return s[len(s)/2]
}

func vcMs(d time.Duration) string { return d.Round(time.Millisecond).String() }

func vcYes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func vcEnvInt(t *testing.T, env string, def int) int {
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q is not a positive number", env, s)
	}
	return n
}
