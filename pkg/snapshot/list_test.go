package snapshot

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// A Machine as the API server lists it, managedFields and all.
const machineList = `{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"MachineList","metadata":{"resourceVersion":"9"},"items":[
{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"Machine","metadata":{"name":"cluster3-md-0-x","namespace":"eksa-system","uid":"u1",
 "resourceVersion":"7","generation":2,"creationTimestamp":"2026-01-02T03:04:05Z",
 "labels":{"cluster.x-k8s.io/cluster-name":"cluster3"},"annotations":{"cluster.x-k8s.io/paused":""},
 "ownerReferences":[{"apiVersion":"cluster.x-k8s.io/v1beta2","kind":"MachineSet","name":"cluster3-md-0-a","uid":"u2","controller":true}],
 "managedFields":[{"manager":"m","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"k:{\"uid\":\"u2\"}":{}}}}]},
 "spec":{"clusterName":"cluster3","version":"v1.23.17","providerID":"vsphere://42","nodeDeletionTimeoutSeconds":10,"bootstrap":{"dataSecretName":"s"}},
 "status":{"phase":"Running","nodeRef":{"name":"n1"},"addresses":[{"type":"InternalIP","address":"10.0.0.1"}],
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
	want := Machine{Name: "cluster3-md-0-x", ClusterName: "cluster3", Role: RoleWorker, Version: "v1.23.17",
		ProviderID: "vsphere://42", NodeName: "n1", Phase: "Running", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Ready: &Condition{Type: "Ready", Status: "False", Severity: "Warning", Reason: "Drained", Message: "m",
			LastTransitionTime: time.Date(2026, 1, 2, 3, 4, 7, 0, time.UTC)},
		Owners: []OwnerRef{{Kind: "MachineSet", Name: "cluster3-md-0-a"}}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("machine = %+v (Ready %+v),\nwant %+v (Ready %+v)", m, m.Ready, want, want.Ready)
	}
	o := toObject(u)
	if _, paused := o.Annotations["cluster.x-k8s.io/paused"]; !paused || o.ClusterName != "cluster3" || o.Fields["version"] != "v1.23.17" {
		t.Errorf("object = %+v, want the paused annotation, cluster3 and the version", o)
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

// TestDecodeList_Metadata: a PartialObjectMetadataList's items name their
// own type; the objects take the listed resource's.
func TestDecodeList_Metadata(t *testing.T) {
	body := `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
"metadata":{"name":"vm1","namespace":"eksa-system","labels":{"cluster.x-k8s.io/cluster-name":"cluster3"},
"ownerReferences":[{"apiVersion":"infrastructure.cluster.x-k8s.io/v1beta1","kind":"VSphereMachine","name":"vm1","uid":"u"}]}}]}`
	items, err := decodeList(strings.NewReader(body), "infrastructure.cluster.x-k8s.io/v1beta1", "VSphereVM")
	if err != nil {
		t.Fatal(err)
	}
	o := toObject(items[0])
	if o.Group != "infrastructure.cluster.x-k8s.io" || o.Kind != "VSphereVM" || o.ClusterName != "cluster3" ||
		len(o.Owners) != 1 || o.Owners[0].Kind != "VSphereMachine" || o.Ready != nil {
		t.Errorf("object = %+v, want a VSphereVM of cluster3 owned by its VSphereMachine", o)
	}
}

func TestDecodeList_Truncated(t *testing.T) {
	_, err := decodeList(strings.NewReader(machineList[:len(machineList)/2]), "cluster.x-k8s.io/v1beta2", "Machine")
	if err == nil {
		t.Fatal("a truncated list decoded without error")
	}
}

// TestMetadataOnly_NotRead: no kind whose Ready, spec or status the
// diagnosis or the vCenter check reads is listed as metadata only.
func TestMetadataOnly_NotRead(t *testing.T) {
	for gk := range metadataOnly {
		switch {
		case gk.Kind == "Machine", gk.Kind == "Cluster", strings.HasSuffix(gk.Kind, "Cluster"),
			strings.HasSuffix(gk.Kind, "ControlPlane"), gk.Kind == "MachineDeployment", gk.Kind == "MachineSet",
			strings.HasPrefix(gk.Kind, "VSphereMachine"):
			t.Errorf("%s is listed as metadata only, but its content is read", gk)
		}
	}
}
