package testworld_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The seed, RECOVERY-PROCEDURE.md step 3: what the operator saw in KinD.
var seedMachines = []struct{ name, node, providerID, version string }{
	{"cluster3-2snw8", "cluster3-2snw8", "vsphere://4230efe1-e1f5-c8e5-9bff-12eca320f5db", "v1.23.17-eks-1-23-19"},
	{"cluster3-etcd-chkc5", "", "vsphere://4230826c-b25d-937a-4728-3e607e6af579", ""},
	{"cluster3-md-0-854976576-tw6hr", "cluster3-md-0-854976576-tw6hr", "vsphere://4230f2e5-0a4b-374c-f06b-41ac1f80e41f", "v1.22.17-eks-1-22-24"},
}

var seedNodes = map[string]string{
	"cluster3-2snw8":                "v1.23.17-eks-a51510b",
	"cluster3-md-0-854976576-tw6hr": "v1.22.17-eks-a51510b",
}

func TestWorld_Stranded(t *testing.T) {
	for _, f := range testworld.Flavours {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: f})
			bootCfg, boot := clientFor(t, w.Layout.BootstrapKubeconfig())
			mgmtCfg, mgmt := clientFor(t, w.Layout.ManagementKubeconfig())

			// kubectl get machines in KinD: the seed's three rows. The column
			// names are the CRD's printer columns, which differ by contract.
			nodeCol := map[testworld.Flavour]string{testworld.V1Beta1: "NodeName", testworld.V1Beta2: "Node Name"}[f]
			idCol := map[testworld.Flavour]string{testworld.V1Beta1: "ProviderID", testworld.V1Beta2: "Provider ID"}[f]
			rows := table(t, bootCfg, "/apis/cluster.x-k8s.io/"+string(f)+"/namespaces/eksa-system/machines")
			if len(rows) != len(seedMachines) {
				t.Errorf("bootstrap machines = %d rows, want %d", len(rows), len(seedMachines))
			}
			for _, want := range seedMachines {
				got, ok := rows[want.name]
				if !ok {
					t.Errorf("bootstrap has no machine %s", want.name)
					continue
				}
				for col, v := range map[string]string{
					"Cluster": "cluster3", nodeCol: want.node, idCol: want.providerID,
					"Phase": "Running", "Version": want.version,
				} {
					if got[col] != v {
						t.Errorf("machine %s column %s = %q, want %q", want.name, col, got[col], v)
					}
				}
			}

			// Management holds no CAPI objects of the cluster, but its nodes.
			if n := len(list(t, mgmt, machinesGVR(f), eksa.Namespace)); n != 0 {
				t.Errorf("management machines = %d, want 0", n)
			}
			nodes := table(t, mgmtCfg, "/api/v1/nodes")
			if len(nodes) != len(seedNodes) {
				t.Errorf("management nodes = %d, want %d", len(nodes), len(seedNodes))
			}
			for name, version := range seedNodes {
				if nodes[name]["Version"] != version || nodes[name]["Status"] != "Ready" {
					t.Errorf("node %s = %v, want Ready %s", name, nodes[name], version)
				}
			}

			// The stranded Cluster is paused, with both CAPI conditions
			// clusterctl's move preflight reads.
			clusters := list(t, boot, clustersGVR(f), eksa.Namespace)
			if len(clusters) != 1 {
				t.Fatalf("bootstrap clusters = %d, want 1", len(clusters))
			}
			c := clusters[0].Object
			if paused, _, _ := nestedBool(c, "spec", "paused"); !paused {
				t.Errorf("bootstrap Cluster spec.paused = false, want true")
			}
			if ref, _, _ := nestedString(c, "spec", "managedExternalEtcdRef", "kind"); ref != "EtcdadmCluster" {
				t.Errorf("Cluster spec.managedExternalEtcdRef.kind = %q, want EtcdadmCluster (EKS-A's fork field)", ref)
			}
			provisioned := []string{"status", "infrastructureReady"}
			if f == testworld.V1Beta2 {
				provisioned = []string{"status", "initialization", "infrastructureProvisioned"}
			}
			if ok, _, _ := nestedBool(c, provisioned...); !ok {
				t.Errorf("Cluster %v = false, want true", provisioned)
			}
		})
	}
}

// TestWorld_StrandedKubectl compares real kubectl's text with the seed's
// output, where kubectl is installed (.ci/run installs it).
func TestWorld_StrandedKubectl(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	out, ok := kubectl(t, "get", "--kubeconfig", w.Layout.BootstrapKubeconfig(), "-n", "eksa-system", "machines")
	if !ok {
		t.Skip("kubectl is not installed; TestWorld_Stranded checked the same rows through client-go")
	}
	want := []string{
		"NAME CLUSTER NODENAME PROVIDERID PHASE AGE VERSION",
		"cluster3-2snw8 cluster3 cluster3-2snw8 vsphere://4230efe1-e1f5-c8e5-9bff-12eca320f5db Running AGE v1.23.17-eks-1-23-19",
		"cluster3-etcd-chkc5 cluster3 vsphere://4230826c-b25d-937a-4728-3e607e6af579 Running AGE",
		"cluster3-md-0-854976576-tw6hr cluster3 cluster3-md-0-854976576-tw6hr vsphere://4230f2e5-0a4b-374c-f06b-41ac1f80e41f Running AGE v1.22.17-eks-1-22-24",
	}
	if got := normalise(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("kubectl get machines =\n%s\nwant (ages elided)\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out, _ = kubectl(t, "get", "--kubeconfig", w.Layout.ManagementKubeconfig(), "-n", "kube-system", "node")
	wantNodes := []string{
		"NAME STATUS ROLES AGE VERSION",
		"cluster3-2snw8 Ready control-plane,master AGE v1.23.17-eks-a51510b",
		"cluster3-md-0-854976576-tw6hr Ready <none> AGE v1.22.17-eks-a51510b",
	}
	if got := normalise(out); strings.Join(got, "\n") != strings.Join(wantNodes, "\n") {
		t.Errorf("kubectl get node =\n%s\nwant (ages elided)\n%s", strings.Join(got, "\n"), strings.Join(wantNodes, "\n"))
	}
}

var age = regexp.MustCompile(`^\d+(s|m\d*s?|h\d*m?)$`)

// normalise collapses columns to single spaces and replaces ages with AGE.
func normalise(out string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		fields := strings.Fields(l)
		for i, f := range fields {
			if age.MatchString(f) {
				fields[i] = "AGE"
			}
		}
		lines = append(lines, strings.Join(fields, " "))
	}
	return lines
}
