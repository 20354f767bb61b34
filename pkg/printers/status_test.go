package printers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	cliprinters "k8s.io/cli-runtime/pkg/printers"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

var now = time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)

func strandedReport() *diagnose.Report {
	created := now.Add(-3 * time.Minute)
	return &diagnose.Report{
		Cluster: "cluster3", State: diagnose.StrandedInBootstrap,
		Summary: "cluster3's Cluster API objects are stranded in the KinD bootstrap cluster",
		Clusters: []diagnose.ClusterReport{
			{Role: "management", Configured: true, Reachable: true, Server: "https://10.0.0.10:6443"},
			{Role: "bootstrap", Configured: true, Reachable: false, Error: "connection refused"},
		},
		Machines: []diagnose.MachineReport{
			{Name: "cluster3-2snw8", Cluster: "cluster3", Location: "bootstrap", Role: "control-plane", NodeName: "cluster3-2snw8",
				ProviderID: "vsphere://4230efe1-e1f5-c8e5-9bff-12eca320f5db", Phase: "Running", Version: "v1.23.17-eks-1-23-19", Created: created},
			{Name: "cluster3-etcd-chkc5", Cluster: "cluster3", Location: "bootstrap", Role: "etcd",
				ProviderID: "vsphere://4230826c-b25d-937a-4728-3e607e6af579", Phase: "Running", Created: created},
		},
		Nodes: []diagnose.NodeReport{{Name: "cluster3-2snw8", Ready: false, Roles: []string{"control-plane"}, Version: "v1.23.17-eks-a51510b"}},
		Tree: &diagnose.TreeNode{Kind: "Cluster", Name: "cluster3", Ready: "True", Since: created, Children: []*diagnose.TreeNode{
			{Kind: "VSphereCluster", Name: "cluster3", Role: "ClusterInfrastructure", Ready: "True"},
			{Kind: "EtcdadmCluster", Name: "cluster3-etcd", Role: "Etcd", Ready: "True", Children: []*diagnose.TreeNode{
				{Kind: "Machine", Name: "cluster3-etcd-chkc5", Ready: "False", Reason: "WaitingForNode", Message: "waiting\nfor node"},
			}},
		}},
		Findings:  []diagnose.Finding{{Severity: diagnose.Warning, Code: "VersionSkew", Message: "the control plane runs v1.23, the workers v1.22"}},
		NextSteps: []diagnose.Step{{Command: "kubectl eksa-recover move", Why: "takes a backup first"}},
	}
}

func TestPrintStatus(t *testing.T) {
	var out bytes.Buffer
	if err := PrintStatus(&out, strandedReport(), StatusOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Cluster cluster3: StrandedInBootstrap\n",
		"NAME                  CLUSTER    NODENAME         PROVIDERID                                       PHASE     AGE   VERSION\n",
		"cluster3-2snw8        cluster3   cluster3-2snw8   vsphere://4230efe1-e1f5-c8e5-9bff-12eca320f5db   Running   3m    v1.23.17-eks-1-23-19\n",
		"├─ClusterInfrastructure - VSphereCluster/cluster3",
		"└─EtcdadmCluster/cluster3-etcd",
		"  └─Machine/cluster3-etcd-chkc5",
		"WaitingForNode",
		"waiting for node", // messages stay on one line
		"bootstrap    unreachable",
		"connection refused",
		"NotReady",
		"! the control plane runs v1.23, the workers v1.22",
		"Next:\n  1. kubectl eksa-recover move\n     takes a backup first\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("PrintStatus() lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b[") {
		t.Errorf("PrintStatus() without Color has escape codes")
	}
	if strings.Contains(got, "LOCATION") {
		t.Errorf("PrintStatus() without Wide shows LOCATION")
	}
}

func TestPrintStatus_WideAndColor(t *testing.T) {
	var out bytes.Buffer
	if err := PrintStatus(&out, strandedReport(), StatusOptions{Now: now, Wide: true, Color: true}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "LOCATION") || !strings.Contains(got, "bootstrap   control-plane") {
		t.Errorf("PrintStatus(wide) lacks the LOCATION and ROLE columns:\n%s", got)
	}
	if !strings.Contains(got, "\x1b[31mStrandedInBootstrap\x1b[0m") {
		t.Errorf("PrintStatus(color) does not colour the state red:\n%q", got)
	}
}

func TestToObject(t *testing.T) {
	obj, err := ToObject(StatusReportKind, "cluster3", strandedReport())
	if err != nil {
		t.Fatal(err)
	}
	if obj.GetAPIVersion() != ReportAPIVersion || obj.GetKind() != "StatusReport" || obj.GetName() != "cluster3" {
		t.Errorf("ToObject() = %s %s %s", obj.GetAPIVersion(), obj.GetKind(), obj.GetName())
	}
	if obj.Object["state"] != "StrandedInBootstrap" {
		t.Errorf("ToObject() state = %v, want StrandedInBootstrap", obj.Object["state"])
	}
}

// TestStatusJSON: indented, the bytes status -o json prints through
// kubectl's JSON printer; on one line, the same document.
func TestStatusJSON(t *testing.T) {
	report := strandedReport()
	report.Summary += " <&>" // kept escaped, as the printer escapes it
	obj, err := StatusDocument(report)
	if err != nil {
		t.Fatal(err)
	}
	var printed bytes.Buffer
	if err := (&cliprinters.JSONPrinter{}).PrintObj(obj, &printed); err != nil {
		t.Fatal(err)
	}
	indented, err := StatusJSON(report, false)
	if err != nil || string(indented) != printed.String() {
		t.Errorf("StatusJSON(indented) = %q, %v; want what status -o json prints: %q", indented, err, printed.String())
	}
	line, err := StatusJSON(report, true)
	if err != nil || bytes.Count(line, []byte("\n")) != 1 || !bytes.HasSuffix(line, []byte("\n")) {
		t.Fatalf("StatusJSON(one line) = %q, %v; want one line", line, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, indented); err != nil || compact.String()+"\n" != string(line) {
		t.Errorf("StatusJSON(one line) = %q, want the indented document compacted: %q (%v)", line, compact.String(), err)
	}
}

// TestPrintStatus_KubeconfigSource: each cluster's line says which
// kubeconfig won: a flag, $KUBECONFIG or the workspace's.
func TestPrintStatus_KubeconfigSource(t *testing.T) {
	r := strandedReport()
	r.Clusters[0].Kubeconfig, r.Clusters[0].KubeconfigFrom = "/a:/b", "$KUBECONFIG"
	r.Clusters[1].Kubeconfig, r.Clusters[1].KubeconfigFrom = "/ws/cluster3/generated/cluster3.kind.kubeconfig", "workspace"
	var out bytes.Buffer
	if err := PrintStatus(&out, r, StatusOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/a:/b (from $KUBECONFIG)", "cluster3.kind.kubeconfig (from the workspace)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("PrintStatus() lacks %q:\n%s", want, out.String())
		}
	}
}
