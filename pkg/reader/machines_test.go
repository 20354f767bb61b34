package reader

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const v1beta2 = "cluster.x-k8s.io/v1beta2"

// The printer columns of CAPI's Machine CRDs, as the API server's table
// names them.
var (
	v1beta2Columns = []string{"Name", "Cluster", "Node Name", "Provider ID", "Failure domain", "Ready", "Available",
		"Up-to-date", "Internal-IP", "External-IP", "OS-Image", "Paused", "Phase", "Age", "Version"}
	v1beta1Columns = []string{"Name", "Cluster", "NodeName", "ProviderID", "Phase", "Age", "Version"}
)

func table(columns []string, rows ...[]any) *metav1.Table {
	t := &metav1.Table{TypeMeta: metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"}}
	for _, c := range columns {
		t.ColumnDefinitions = append(t.ColumnDefinitions, metav1.TableColumnDefinition{Name: c})
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, metav1.TableRow{Cells: r})
	}
	return t
}

// v1beta2Row is a row in v1beta2's columns; nil cells are missing fields.
func v1beta2Row(name, node, ready, phase string, version any) []any {
	var nodeCell any
	if node != "" {
		nodeCell = node
	}
	return []any{name, "cluster3", nodeCell, "vsphere://" + name, nil, ready, ready, "True", "10.0.0.1", nil, "Bottlerocket", nil, phase, "3m", version}
}

// TestNotReadyNames: the Machines whose Ready is not True, or not reported
// (a moved Machine, before its controller runs), are read whole.
func TestNotReadyNames(t *testing.T) {
	rows, why := machineRows(table(v1beta2Columns,
		v1beta2Row("cp", "cp", "True", "Running", "v1"),
		v1beta2Row("sick", "sick", "False", "Running", "v1"),
		v1beta2Row("moved", "", "", "", "v1"),
		v1beta2Row("unknown", "unknown", "Unknown", "Running", "v1")))
	if why != "" {
		t.Fatal(why)
	}
	if got, want := notReadyNames(rows), []string{"sick", "moved", "unknown"}; !reflect.DeepEqual(got, want) {
		t.Errorf("not Ready = %v, want %v", got, want)
	}
}

func TestMachineRows(t *testing.T) {
	for _, tc := range []struct {
		name     string
		table    *metav1.Table
		wantRows []machineRow
		wantWhy  string // a part of why the Machines are read in full
	}{{
		name: "every Machine Ready: the rows",
		table: table(v1beta2Columns,
			v1beta2Row("cp", "cp", "True", "Running", "v1.23.17"),
			v1beta2Row("etcd", "", "True", "Running", nil)),
		wantRows: []machineRow{
			{name: "cp", cluster: "cluster3", nodeName: "cp", providerID: "vsphere://cp", ready: "True", phase: "Running", version: "v1.23.17", available: "True", upToDate: "True"},
			{name: "etcd", cluster: "cluster3", providerID: "vsphere://etcd", ready: "True", phase: "Running", available: "True", upToDate: "True"},
		},
	}, {
		name:    "v1beta1 has no Ready column",
		table:   table(v1beta1Columns, []any{"cp", "cluster3", "cp", "vsphere://cp", "Running", "3m", "v1"}),
		wantWhy: "no ready column",
	}, {
		name:    "not a table",
		table:   &metav1.Table{TypeMeta: metav1.TypeMeta{Kind: "MachineList"}},
		wantWhy: "not a Table",
	}, {
		name:  "no Machines",
		table: table(v1beta2Columns),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rows, why := machineRows(tc.table)
			if tc.wantWhy != "" {
				if !strings.Contains(why, tc.wantWhy) || rows != nil {
					t.Errorf("why = %q, rows %v; want %q and no rows", why, rows, tc.wantWhy)
				}
				return
			}
			if why != "" || !reflect.DeepEqual(rows, tc.wantRows) {
				t.Errorf("rows = %+v, why %q; want %+v", rows, why, tc.wantRows)
			}
		})
	}
}

// TestJoinMachines: a Machine put together from its row and metadata reads
// as the full object does, but for the Ready condition's reason and time.
func TestJoinMachines(t *testing.T) {
	full, err := decodeList(strings.NewReader(machineList), v1beta2, "Machine")
	if err != nil {
		t.Fatal(err)
	}
	var list metav1.PartialObjectMetadataList // the same metadata, as the protobuf list gives it
	if err := json.Unmarshal([]byte(machineList), &list); err != nil {
		t.Fatal(err)
	}
	metas := list.Items
	rows := []machineRow{{name: "cluster3-md-0-x", cluster: "cluster3", nodeName: "n1", providerID: "vsphere://42", ready: "True", phase: "Running", version: "v1.23.17"}}
	joined, why := joinMachines(v1beta2, rows, metas, nil)
	if why != "" {
		t.Fatal(why)
	}
	got, want := toMachine(joined[0]), toMachine(full[0])
	if got.Ready == nil || got.Ready.Status != "True" || got.Ready.Reason != "" {
		t.Errorf("Ready = %+v, want True without a reason", got.Ready)
	}
	// The row's Ready is its one condition.
	got.Ready, want.Ready = nil, nil
	got.Conditions, want.Conditions = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("joined machine = %+v,\nwant %+v", got, want)
	}
	gotObj, wantObj := toObject(joined[0]), toObject(full[0])
	gotObj.Ready, wantObj.Ready = nil, nil
	gotObj.Conditions, wantObj.Conditions = nil, nil
	// Nor does the table carry status.observedGeneration: a Ready Machine's
	// reads as not published.
	if gotObj.ObservedGeneration != 0 || wantObj.ObservedGeneration != 1 {
		t.Errorf("observedGeneration joined %d, whole %d; want 0 and 1", gotObj.ObservedGeneration, wantObj.ObservedGeneration)
	}
	gotObj.ObservedGeneration = wantObj.ObservedGeneration
	if !reflect.DeepEqual(gotObj, wantObj) {
		t.Errorf("joined object = %+v,\nwant %+v", gotObj, wantObj)
	}

	// Not Ready: the Machine read whole is taken as read, reason and all.
	rows[0].ready = "False"
	joined, why = joinMachines(v1beta2, rows, metas, full)
	if why != "" {
		t.Fatal(why)
	}
	if m := toMachine(joined[0]); m.Ready == nil || m.Ready.Reason != "Drained" {
		t.Errorf("Ready = %+v, want the whole Machine's, Drained", m.Ready)
	}
	if _, why := joinMachines(v1beta2, rows, metas, nil); !strings.Contains(why, "not read whole") {
		t.Errorf("a Machine not Ready without its whole read: why = %q", why)
	}

	other := []metav1.PartialObjectMetadata{{ObjectMeta: metav1.ObjectMeta{Name: "created-since"}}}
	if _, why := joinMachines(v1beta2, rows, other, nil); !strings.Contains(why, "changed") {
		t.Errorf("a Machine missing from the table: why = %q, want the Machines changed", why)
	}
	if _, why := joinMachines(v1beta2, rows, nil, nil); !strings.Contains(why, "changed") {
		t.Errorf("a Machine gone from the metadata: why = %q, want the Machines changed", why)
	}
}

// TestMetaObject: a kind read as metadata only converts to the Object its
// full read would, but for what spec and status say.
func TestMetaObject(t *testing.T) {
	controller := true
	m := &metav1.ObjectMeta{Name: "vm1", Namespace: "eksa-system", UID: "u", ResourceVersion: "5", Generation: 2,
		CreationTimestamp: metav1.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Labels:            map[string]string{"cluster.x-k8s.io/cluster-name": "cluster3"},
		Annotations:       map[string]string{"cluster.x-k8s.io/paused": ""},
		OwnerReferences:   []metav1.OwnerReference{{APIVersion: "infrastructure.cluster.x-k8s.io/v1beta1", Kind: "VSphereMachine", Name: "vm1", UID: "o", Controller: &controller}},
		Finalizers:        []string{"f"},
	}
	const apiVersion = "infrastructure.cluster.x-k8s.io/v1beta1"
	got, want := metaObject(apiVersion, "VSphereVM", m), toObject(metadataObject(apiVersion, "VSphereVM", m))
	got.Created, want.Created = got.Created.UTC(), want.Created.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from metadata = %+v,\nas an object = %+v", got, want)
	}
	if got.ClusterName != "cluster3" || len(got.Owners) != 1 || got.Owners[0].Kind != "VSphereMachine" || got.Group != "infrastructure.cluster.x-k8s.io" {
		t.Errorf("object = %+v, want a VSphereVM of cluster3 owned by its VSphereMachine", got)
	}
}

// TestMachineRow_WholeReadNeeded: a Machine whose row cannot vouch for every
// signal is read whole, so a red one is seen in its own words.
func TestMachineRow_WholeReadNeeded(t *testing.T) {
	green := machineRow{ready: "True", phase: "Running", available: "True", upToDate: "True"}
	for _, tc := range []struct {
		name string
		row  func(r machineRow) machineRow
		want bool
	}{
		{"every column green", func(r machineRow) machineRow { return r }, false},
		{"v1beta1-like: no Available or Up-to-date column", func(r machineRow) machineRow { r.available, r.upToDate = "", ""; return r }, false},
		{"Ready False", func(r machineRow) machineRow { r.ready = "False"; return r }, true},
		{"Ready not reported", func(r machineRow) machineRow { r.ready = ""; return r }, true},
		{"not Available", func(r machineRow) machineRow { r.available = "False"; return r }, true},
		{"not up to date", func(r machineRow) machineRow { r.upToDate = "Unknown"; return r }, true},
		{"Deleting while Ready", func(r machineRow) machineRow { r.phase = "Deleting"; return r }, true},
		{"paused", func(r machineRow) machineRow { r.paused = "True"; return r }, true},
	} {
		if got := tc.row(green).wholeReadNeeded(); got != tc.want {
			t.Errorf("%s: wholeReadNeeded() = %t, want %t", tc.name, got, tc.want)
		}
	}
}
