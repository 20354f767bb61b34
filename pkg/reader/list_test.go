package reader

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// A Machine as the API server lists it, managedFields and all.
const machineList = `{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"MachineList","metadata":{"resourceVersion":"9"},"items":[
{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Machine","metadata":{"name":"cluster3-md-0-x","namespace":"eksa-system","uid":"u1",
 "resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05Z",
 "labels":{"cluster.x-k8s.io/cluster-name":"cluster3"},"annotations":{"cluster.x-k8s.io/paused":""},
 "ownerReferences":[{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"MachineSet","name":"cluster3-md-0-a","uid":"u2","controller":true}],
 "managedFields":[{"manager":"m","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"k:{\"uid\":\"u2\"}":{}}}}]},
 "spec":{"clusterName":"cluster3","version":"v1.23.17","providerID":"vsphere://42","nodeDeletionTimeoutSeconds":10,"bootstrap":{"dataSecretName":"s"}},
 "status":{"phase":"Running","observedGeneration":1,"nodeRef":{"name":"n1"},"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],
  "conditions":[{"type":"Available","status":"True","lastTransitionTime":"2026-01-02T03:04:06Z"}],
  "deprecated":{"v1beta1":{"conditions":[{"type":"Ready","status":"False","severity":"Warning","reason":"Drained","message":"m","lastTransitionTime":"2026-01-02T03:04:07Z"}]}}}}]}`

// TestDecodeList: a listed Machine converts to the same plain values as the
// full object would, and the reduced object keeps metadata (without
// managedFields), spec with whole numbers as int64, and the status read.
func TestDecodeList(t *testing.T) {
	items, err := decodeList(strings.NewReader(machineList), "cluster.x-k8s.io/v1beta2", "Machine")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("items = %d, want 1", len(items))
	}
	u := items[0]
	m := toMachine(u)
	m.Created = m.Created.UTC() // read in the local zone, as every metav1.Time
	want := snapshot.Machine{Name: "cluster3-md-0-x", ClusterName: "cluster3", Role: snapshot.RoleWorker, Version: "v1.23.17",
		ProviderID: "vsphere://42", NodeName: "n1", Phase: "Running", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Ready: &snapshot.Condition{Type: "Ready", Status: "False", Severity: "Warning", Reason: "Drained", Message: "m",
			LastTransitionTime: time.Date(2026, 1, 2, 3, 4, 7, 0, time.UTC)},
		Owners: []objgraph.Key{{Group: "cluster.x-k8s.io", Kind: "MachineSet", Name: "cluster3-md-0-a"}},
		// Every condition: the contract's own, then the old ones it lacks.
		Conditions: []snapshot.Condition{
			{Type: "Available", Status: "True", LastTransitionTime: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)},
			{Type: "Ready", Status: "False", Severity: "Warning", Reason: "Drained", Message: "m",
				LastTransitionTime: time.Date(2026, 1, 2, 3, 4, 7, 0, time.UTC)}}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("machine = %+v (Ready %+v),\nwant %+v (Ready %+v)", m, m.Ready, want, want.Ready)
	}
	o := toObject(u)
	if _, paused := o.Annotations["cluster.x-k8s.io/paused"]; !paused || o.ClusterName != "cluster3" || o.Fields["version"] != "v1.23.17" {
		t.Errorf("object = %+v, want the paused annotation, cluster3 and the version", o)
	}
	if o.Generation != 2 || o.ObservedGeneration != 1 {
		t.Errorf("generation %d, observedGeneration %d, want 2 and 1: behind, the status describes an older spec", o.Generation, o.ObservedGeneration)
	}
	if u.GetManagedFields() != nil || u.GetUID() != "u1" || u.GetResourceVersion() != "7" || u.GetGeneration() != 2 {
		t.Errorf("metadata = %v, want uid, resourceVersion and generation without managedFields", u.Object["metadata"])
	}
	if n, ok := u.Object["spec"].(map[string]any)["nodeDeletionTimeoutSeconds"].(int64); !ok || n != 10 {
		t.Errorf("spec number = %#v, want int64 10 as in any unstructured object", u.Object["spec"])
	}
	if _, ok := u.Object["status"].(map[string]any)["addresses"]; ok {
		t.Errorf("status kept addresses, which nothing reads")
	}
}

func TestDecodeList_Truncated(t *testing.T) {
	_, err := decodeList(strings.NewReader(machineList[:len(machineList)/2]), "cluster.x-k8s.io/v1beta2", "Machine")
	if err == nil {
		t.Fatal("a truncated list decoded without error")
	}
}

// TestMetadataOnly: the kinds with one object per Machine whose content
// nothing reads are read as metadata; no kind whose Ready, spec or status
// the diagnosis or the vCenter check reads is.
func TestMetadataOnly(t *testing.T) {
	for _, tc := range []struct {
		group, kind string
		infraSpecs  bool
		want        bool
	}{
		{"bootstrap.cluster.x-k8s.io", "KubeadmConfig", false, true},
		{"bootstrap.cluster.x-k8s.io", "EtcdadmConfig", true, true},
		{"infrastructure.cluster.x-k8s.io", "VSphereVM", true, true},
		{"infrastructure.cluster.x-k8s.io", "VSphereMachine", false, true},
		{"infrastructure.cluster.x-k8s.io", "CloudStackMachine", false, true},
		// The vCenter check reads VSphereMachines' folders and datacenter.
		{"infrastructure.cluster.x-k8s.io", "VSphereMachine", true, false},
		// Read for their Ready, spec or status.
		{"infrastructure.cluster.x-k8s.io", "VSphereMachineTemplate", false, false},
		{"infrastructure.cluster.x-k8s.io", "VSphereCluster", false, false},
		{"bootstrap.cluster.x-k8s.io", "KubeadmConfigTemplate", false, false},
		{"cluster.x-k8s.io", "Machine", false, false},
		{"cluster.x-k8s.io", "Cluster", false, false},
		{"cluster.x-k8s.io", "MachineDeployment", false, false},
		{"cluster.x-k8s.io", "MachineSet", false, false},
		{"controlplane.cluster.x-k8s.io", "KubeadmControlPlane", false, false},
		{"etcdcluster.cluster.x-k8s.io", "EtcdadmCluster", false, false},
	} {
		gk := schema.GroupKind{Group: tc.group, Kind: tc.kind}
		if got := metadataOnly(gk, tc.infraSpecs); got != tc.want {
			t.Errorf("metadataOnly(%s, infraSpecs %v) = %v, want %v", gk, tc.infraSpecs, got, tc.want)
		}
	}
}
