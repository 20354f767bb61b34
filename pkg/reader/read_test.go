package reader_test

import (
	"net/http"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

func startWorld(t *testing.T, o testworld.Options) *testworld.World {
	t.Helper()
	return testworld.StartForTest(t, o)
}

func source(t *testing.T, role snapshot.Role, kubeconfig string) reader.Source {
	t.Helper()
	if _, err := os.Stat(kubeconfig); err != nil {
		return reader.Source{Role: role}
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return reader.Source{Role: role, Kubeconfig: kubeconfig, Config: cfg}
}

// read reads the world as status does, and fails the test on any request
// but a GET: status never writes to a cluster.
func read(t *testing.T, w *testworld.World) *snapshot.Snapshot {
	t.Helper()
	var mu sync.Mutex
	var writes []string
	seen := map[snapshot.Role]int{} // each side's requests, counted apart
	watch := func(s reader.Source) reader.Source {
		if s.Config != nil {
			s.Config.Wrap(func(rt http.RoundTripper) http.RoundTripper {
				return roundTripper(func(req *http.Request) (*http.Response, error) {
					mu.Lock()
					seen[s.Role]++
					if req.Method != http.MethodGet {
						writes = append(writes, req.Method+" "+req.URL.Path)
					}
					mu.Unlock()
					return rt.RoundTrip(req)
				})
			})
		}
		return s
	}
	s := reader.Read(t.Context(),
		watch(source(t, snapshot.Management, w.Layout.ManagementKubeconfig())),
		watch(source(t, snapshot.Bootstrap, w.Layout.BootstrapKubeconfig())),
		reader.Options{Timeout: 10 * time.Second, Now: time.Now(), ClusterName: testworld.SeedClusterName})
	if len(writes) > 0 {
		t.Errorf("the read sent %d requests other than GET: %v", len(writes), writes)
	}
	for _, cs := range []*snapshot.ClusterState{&s.Management, &s.Bootstrap} {
		if cs.Reachable && (seen[cs.Role] < cs.Requests || cs.Requests == 0) {
			t.Errorf("watched %d requests to the %s cluster, the read made %d: the watch is not in its path", seen[cs.Role], cs.Role, cs.Requests)
		}
	}
	return s
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// TestRead_Stranded: both contracts read into the same plain values.
func TestRead_Stranded(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: f})
			s := read(t, w)
			if !s.Management.Reachable || !s.Bootstrap.Reachable {
				t.Fatalf("reachable = %v/%v (%s / %s), want both", s.Management.Reachable, s.Bootstrap.Reachable, s.Management.Error, s.Bootstrap.Error)
			}
			if n := len(s.Management.Machines); n != 0 {
				t.Errorf("management machines = %d, want 0", n)
			}
			want := map[string]snapshot.Machine{
				"cluster3-2snw8":                {Role: snapshot.RoleControlPlane, Version: "v1.23.17-eks-1-23-19", NodeName: "cluster3-2snw8", Phase: "Running"},
				"cluster3-etcd-chkc5":           {Role: snapshot.RoleEtcd, Phase: "Running"},
				"cluster3-md-0-854976576-tw6hr": {Role: snapshot.RoleWorker, Version: "v1.22.17-eks-1-22-24", NodeName: "cluster3-md-0-854976576-tw6hr", Phase: "Running"},
			}
			if len(s.Bootstrap.Machines) != len(want) {
				t.Fatalf("bootstrap machines = %d, want %d", len(s.Bootstrap.Machines), len(want))
			}
			for _, m := range s.Bootstrap.Machines {
				w := want[m.Name]
				if m.Role != w.Role || m.Version != w.Version || m.NodeName != w.NodeName || m.Phase != w.Phase || m.ClusterName != "cluster3" {
					t.Errorf("machine %s = %+v, want %+v in cluster3", m.Name, m, w)
				}
				if m.Ready == nil || m.Ready.Status != "True" {
					t.Errorf("machine %s Ready = %+v, want True", m.Name, m.Ready)
				}
			}
			kinds := map[string]int{}
			for _, o := range s.Bootstrap.Objects {
				kinds[o.Kind]++
				if o.ClusterName != "cluster3" {
					t.Errorf("%s %s cluster = %q, want cluster3", o.Kind, o.Name, o.ClusterName)
				}
			}
			for kind, n := range map[string]int{"Cluster": 1, "VSphereCluster": 1, "KubeadmControlPlane": 1, "EtcdadmCluster": 1,
				"MachineDeployment": 1, "MachineSet": 1, "Machine": 3, "VSphereMachine": 3, "VSphereVM": 3,
				"KubeadmConfig": 2, "EtcdadmConfig": 1, "VSphereMachineTemplate": 3, "KubeadmConfigTemplate": 1} {
				if kinds[kind] != n {
					t.Errorf("bootstrap %s = %d, want %d", kind, kinds[kind], n)
				}
			}
			if len(s.Management.Nodes) != 2 || len(s.Management.Providers) != 6 {
				t.Errorf("management nodes, providers = %d, %d, want 2, 6", len(s.Management.Nodes), len(s.Management.Providers))
			}
			if s.Management.ControllerImage == "" {
				t.Errorf("management controller image not read")
			}
		})
	}
}

// TestRead_RequestsDoNotGrow: the same number of requests for 1 and 200
// workers, so status stays fast on a large cluster; the certificate
// Secrets' GETs included (four, whatever the Machines).
func TestRead_RequestsDoNotGrow(t *testing.T) {
	counts := map[int]int{}
	for _, workers := range []int{1, 200} {
		w := startWorld(t, testworld.Options{Scenario: testworld.Healthy, Workers: workers})
		s := read(t, w)
		if got := len(s.Management.Machines); got != workers+2 {
			t.Fatalf("machines = %d, want %d", got, workers+2)
		}
		if got := len(s.Management.SecretCertificates); got != 4 {
			t.Errorf("certificates of the Secrets = %d (%+v), want 4", got, s.Management.SecretCertificates)
		}
		counts[workers] = s.Management.Requests
	}
	if counts[1] != counts[200] || counts[1] == 0 {
		t.Errorf("requests = %d for 1 worker, %d for 200, want the same", counts[1], counts[200])
	}
}

// TestRead_Down: a stopped API server is recorded, not fatal.
func TestRead_Down(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.BootstrapDown})
	s := read(t, w)
	if !s.Management.Reachable {
		t.Errorf("management unreachable: %s", s.Management.Error)
	}
	if !s.Bootstrap.Configured || s.Bootstrap.Reachable || s.Bootstrap.Error == "" {
		t.Errorf("bootstrap = configured %v, reachable %v, error %q; want configured, unreachable, an error",
			s.Bootstrap.Configured, s.Bootstrap.Reachable, s.Bootstrap.Error)
	}
}

// TestRead_MachinesNotReady: while every Machine is Ready, the Machines are
// read from their table and metadata; a few not Ready are read whole too,
// bringing their reason and message; many, and all are read in full. Either
// way the Machines and objects read the same, and the requests stay bounded.
func TestRead_MachinesNotReady(t *testing.T) {
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy, Flavour: testworld.V1Beta2, Workers: 11})
	ready := read(t, w)
	if len(ready.Management.Machines) != 13 {
		t.Fatalf("machines = %d, want 13", len(ready.Management.Machines))
	}
	for _, m := range ready.Management.Machines {
		if m.Ready == nil || m.Ready.Status != "True" {
			t.Errorf("%s Ready = %+v, want True", m.Name, m.Ready)
		}
	}
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	sicken := func(names ...string) {
		patch := `{"status":{"conditions":[{"type":"Ready","status":"False","reason":"NodeNotReady","message":"Node is not ready",` +
			`"lastTransitionTime":"2026-11-25T01:02:03Z"}]}}`
		gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "machines"}
		for _, name := range names {
			if _, err := dyn.Resource(gvr).Namespace(eksa.Namespace).Patch(t.Context(), name, types.MergePatchType,
				[]byte(patch), metav1.PatchOptions{}, "status"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var workers []string
	for _, m := range ready.Management.Machines {
		if m.Role == snapshot.RoleWorker {
			workers = append(workers, m.Name)
		}
	}

	sicken(workers[0])
	one := read(t, w)
	sameMachines(t, ready, one, workers[:1], false)
	// The Machine and its three parts (KubeadmConfig, VSphereMachine and
	// its VSphereVM), each read whole with its conditions.
	parts := 0
	for _, o := range one.Management.Objects {
		if o.Kind != "Machine" && o.Name == workers[0] {
			parts++
			if len(o.Conditions) == 0 {
				t.Errorf("%s %s of the Machine not Ready was not read whole: no conditions", o.Kind, o.Name)
			}
		}
	}
	if parts != 3 || one.Management.Requests != ready.Management.Requests+1+parts {
		t.Errorf("requests = %d with every Machine Ready, %d with one not (%d parts); want one more for it and one for each of its 3 parts",
			ready.Management.Requests, one.Management.Requests, parts)
	}

	sicken(workers[1:]...) // 11 not Ready: more than are read one by one
	many := read(t, w)
	sameMachines(t, ready, many, workers, true)
	// One more (the full list), or none when the metadata list it replaces
	// was cancelled before it was sent (a loaded machine): never a GET per
	// Machine.
	if d := many.Management.Requests - ready.Management.Requests; d < 0 || d > 1 {
		t.Errorf("requests = %d with every Machine Ready, %d with many not; want at most one more (the full list)",
			ready.Management.Requests, many.Management.Requests)
	}
}

// sameMachines: after sick Machines turned not Ready, they show why, and
// the Machines and objects read as before but for their Ready conditions.
// full: the Machines were read in full, so the Ready ones show their time.
func sameMachines(t *testing.T, before, after *snapshot.Snapshot, sick []string, full bool) {
	t.Helper()
	isSick := map[string]bool{}
	for _, n := range sick {
		isSick[n] = true
	}
	for i, m := range after.Management.Machines {
		switch {
		case isSick[m.Name] && (m.Ready == nil || m.Ready.Status != "False" || m.Ready.Reason != "NodeNotReady" || m.Ready.Message != "Node is not ready"):
			t.Errorf("%s Ready = %+v, want False, NodeNotReady, its message", m.Name, m.Ready)
		case !isSick[m.Name] && (m.Ready == nil || m.Ready.Status != "True" || m.Ready.LastTransitionTime.IsZero() != !full):
			t.Errorf("%s Ready = %+v, want True, with its time if read in full (%v)", m.Name, m.Ready, full)
		}
		b := before.Management.Machines[i]
		// The table holds the Ready column alone: a Machine read whole
		// brings its every condition and its infrastructure reference.
		b.Ready, m.Ready = nil, nil
		b.Conditions, m.Conditions = nil, nil
		b.Infra, m.Infra = objgraph.Key{}, objgraph.Key{}
		if !reflect.DeepEqual(b, m) {
			t.Errorf("machine before = %+v,\nafter = %+v", b, m)
		}
	}
	if len(before.Management.Objects) != len(after.Management.Objects) {
		t.Fatalf("objects = %d, then %d", len(before.Management.Objects), len(after.Management.Objects))
	}
	for i, o := range after.Management.Objects {
		b := before.Management.Objects[i]
		if isSick[o.Name] && !full {
			// A Machine not Ready and its parts are read whole.
			b.Ready, o.Ready = nil, nil
			b.Conditions, o.Conditions = nil, nil
			b.Fields, o.Fields = nil, nil
			b.Counts, o.Counts = nil, nil
		}
		if o.Kind == "Machine" {
			b.Ready, o.Ready = nil, nil
			b.Conditions, o.Conditions = nil, nil
		}
		if !reflect.DeepEqual(b, o) {
			t.Errorf("object before = %+v,\nafter = %+v", b, o)
		}
	}
}
