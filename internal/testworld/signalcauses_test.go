package testworld_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// TestWorld_SignalScenarios: each scenario turns red exactly the signals
// its failure turns red, in both contracts, and carries its evidence.
func TestWorld_SignalScenarios(t *testing.T) {
	tests := []struct {
		scenario testworld.Scenario
		// red: substrings of the red signals, per contract ("" for both).
		red   map[testworld.Flavour][]string
		check func(t *testing.T, f testworld.Flavour, get getter)
	}{
		{testworld.EtcdNotReady, map[testworld.Flavour][]string{
			testworld.V1Beta1: {"EtcdadmCluster eksa-system/cluster3-etcd status.conditions Ready", "EtcdadmCluster eksa-system/cluster3-etcd status.conditions EtcdClusterResizeCompleted",
				"Cluster eksa-system/cluster3 status.conditions ManagedEtcdReady", "Cluster eksa-system/cluster3 status.conditions Ready",
				"Cluster default/cluster3 status.conditions Ready", "Cluster default/cluster3 status.conditions ControlPlaneReady"},
			testworld.V1Beta2: {"EtcdadmCluster eksa-system/cluster3-etcd status.conditions Ready", "EtcdadmCluster eksa-system/cluster3-etcd status.conditions EtcdClusterResizeCompleted",
				"Cluster eksa-system/cluster3 status.deprecated.v1beta1.conditions ManagedEtcdReady",
				"Cluster default/cluster3 status.conditions Ready", "Cluster default/cluster3 status.conditions ControlPlaneReady"},
		}, func(t *testing.T, f testworld.Flavour, get getter) {
			etcd := get(eksa.GroupEtcdCluster, "v1beta1", "etcdadmclusters", eksa.Namespace, "cluster3-etcd")
			if r, _, _ := unstructured.NestedInt64(etcd.Object, "status", "replicas"); r != 2 {
				t.Errorf("EtcdadmCluster status.replicas = %d, want 2 (of 3)", r)
			}
			kcp := get(eksa.GroupControlPlane, string(f), "kubeadmcontrolplanes", eksa.Namespace, "cluster3")
			if kcp.GetAnnotations()[eksa.AnnotationCAPIPaused] != "true" {
				t.Errorf("KubeadmControlPlane annotations = %v, want the fork's pause", kcp.GetAnnotations())
			}
		}},
		{testworld.ControllerCrash, map[testworld.Flavour][]string{"": {"Deployment capv-system/capv-controller-manager"}},
			func(t *testing.T, _ testworld.Flavour, get getter) {
				pods := get("", "v1", "pods", "capv-system", "")
				s := pods.Object["items"].([]any)[0].(map[string]any)["status"].(map[string]any)["containerStatuses"].([]any)[0].(map[string]any)
				if s["restartCount"] != int64(40) || s["lastState"].(map[string]any)["terminated"].(map[string]any)["reason"] != "OOMKilled" {
					t.Errorf("capv pod container status = %v, want 40 restarts, last OOMKilled", s)
				}
			}},
		{testworld.HardwareShort, map[testworld.Flavour][]string{"": {"Cluster default/cluster3 failureMessage"}},
			func(t *testing.T, _ testworld.Flavour, get getter) {
				c := get(eksa.GroupEKSA, "v1alpha1", "clusters", "default", "cluster3")
				if msg, _, _ := unstructured.NestedString(c.Object, "status", "failureMessage"); msg != testworld.HardwareShortMessage {
					t.Errorf("failureMessage = %q", msg)
				}
			}},
		{testworld.ComponentsAhead, nil, func(t *testing.T, _ testworld.Flavour, get getter) {
			c := get(eksa.GroupEKSA, "v1alpha1", "clusters", "default", "cluster3")
			if v := c.GetAnnotations()[eksa.AnnotationManagementComponentsVersion]; v != "v0.23.0" {
				t.Errorf("management components version = %q, want v0.23.0 (spec v0.22.0)", v)
			}
		}},
		// The refused spec is never reconciled: observedGeneration stays behind.
		{testworld.WorkloadRefused, map[testworld.Flavour][]string{"": {"Cluster default/w01 failureMessage", "Cluster default/w01 observedGeneration"}},
			func(t *testing.T, _ testworld.Flavour, get getter) {
				c := get(eksa.GroupEKSA, "v1alpha1", "clusters", "default", "w01")
				want := "cannot upgrade workload cluster to v0.23.0 while management cluster is an older version: v0.22.0"
				if msg, _, _ := unstructured.NestedString(c.Object, "status", "failureMessage"); msg != want {
					t.Errorf("w01 failureMessage = %q, want %q", msg, want)
				}
			}},
		{testworld.CNINotReady, map[testworld.Flavour][]string{"": {"DaemonSet kube-system/cilium", "Node {lastWorker} Ready"}}, nil},
		{testworld.MHCPausedInPlace, map[testworld.Flavour][]string{
			"":                {"MachineDeploymentUpgrade eksa-system/cluster3-md-0-md-upgrade ready"}, // under way
			testworld.V1Beta2: {"MachineHealthCheck eksa-system/cluster3-md-0-worker-unhealthy status.conditions Paused"},
		}, func(t *testing.T, f testworld.Flavour, get getter) {
			mhc := get(eksa.GroupCAPI, string(f), "machinehealthchecks", eksa.Namespace, "cluster3-md-0-worker-unhealthy")
			if mhc.GetAnnotations()[eksa.AnnotationCAPIPaused] != "true" {
				t.Errorf("worker MachineHealthCheck annotations = %v, want EKS-A's pause", mhc.GetAnnotations())
			}
			get(eksa.GroupEKSA, "v1alpha1", "machinedeploymentupgrades", eksa.Namespace, "cluster3-md-0-md-upgrade")
		}},
		{testworld.DrainBlocked, map[testworld.Flavour][]string{
			testworld.V1Beta1: {"Machine eksa-system/{lastWorker} status.conditions DrainingSucceeded"},
			testworld.V1Beta2: {"Machine eksa-system/{lastWorker} status.conditions Deleting",
				"Machine eksa-system/{lastWorker} status.deprecated.v1beta1.conditions DrainingSucceeded"},
		}, func(t *testing.T, f testworld.Flavour, get getter) {
			get("policy", "v1", "poddisruptionbudgets", testworld.DrainNamespace, testworld.DrainBudget)
			if f == testworld.V1Beta2 {
				m := get(eksa.GroupCAPI, string(f), "machines", eksa.Namespace, "")
				for _, item := range m.Object["items"].([]any) {
					if start, ok, _ := unstructured.NestedString(item.(map[string]any), "status", "deletion", "nodeDrainStartTime"); ok {
						if at, _ := time.Parse(time.RFC3339, start); time.Since(at) < time.Hour {
							t.Errorf("nodeDrainStartTime %s, want about 2 h ago", start)
						}
						return
					}
				}
				t.Error("no Machine with status.deletion.nodeDrainStartTime")
			}
		}},
	}
	for _, f := range testworld.Flavours {
		for _, tt := range tests {
			t.Run(string(f)+"/"+string(tt.scenario), func(t *testing.T) {
				w := startWorld(t, testworld.Options{Scenario: tt.scenario, Flavour: f})
				want := append(slices.Clone(tt.red[""]), tt.red[f]...)
				for i := range want {
					machines := w.Cluster3().Machines
					want[i] = strings.ReplaceAll(want[i], "{lastWorker}", machines[len(machines)-1].NodeName)
				}
				signals, err := w.Signals(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				matched := map[string]bool{}
				for _, s := range signals {
					green, err := w.Green(t.Context(), s)
					if err != nil {
						t.Fatal(err)
					}
					i := slices.IndexFunc(want, func(w string) bool { return signalIs(s.String(), w) })
					switch {
					case !green && i < 0:
						t.Errorf("%s is red, want green", s)
					case green && i >= 0:
						t.Errorf("%s is green, want red", s)
					case i >= 0:
						matched[want[i]] = true
					}
				}
				for _, w := range want {
					if !matched[w] {
						t.Errorf("no red signal %q", w)
					}
				}
				if tt.check != nil {
					tt.check(t, f, getterFor(t, w))
				}
			})
		}
	}
}

// signalIs says whether a signal is the one want names: whole, its start
// (object) or its end (list and condition).
func signalIs(s, want string) bool {
	return s == want || strings.HasPrefix(s, want+" ") || strings.HasSuffix(s, " "+want)
}

// getter reads one object (or, name empty, a list) from management.
type getter func(group, version, resource, namespace, name string) *unstructured.Unstructured

func getterFor(t *testing.T, w *testworld.World) getter {
	dyn, err := dynamic.NewForConfig(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	return func(group, version, resource, namespace, name string) *unstructured.Unstructured {
		t.Helper()
		ri := dyn.Resource(schema.GroupVersionResource{Group: group, Version: version, Resource: resource}).Namespace(namespace)
		if name == "" {
			l, err := ri.List(t.Context(), metav1.ListOptions{})
			if err != nil || len(l.Items) == 0 {
				t.Fatalf("listing %s in %s: %v (%d)", resource, namespace, err, len(l.Items))
			}
			return &unstructured.Unstructured{Object: l.UnstructuredContent()}
		}
		u, err := ri.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("getting %s %s/%s: %v", resource, namespace, name, err)
		}
		return u
	}
}
