package diagnose

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

func TestDiagnose_Tables(t *testing.T) {
	r := Diagnose(newSnap().split().backup("/w/b", 90*time.Second, 5).checkpoint("capi-management-move-to-workload", "setup-and-validate").build())

	if got := []string{r.Clusters[0].Role, r.Clusters[1].Role}; got[0] != "management" || got[1] != "bootstrap" || !r.Clusters[1].Reachable {
		t.Errorf("Diagnose(split) clusters = %+v, want management then a reachable bootstrap", r.Clusters)
	}
	if want := []string{"Cluster/cluster3", "VSphereCluster/cluster3"}; !reflect.DeepEqual(r.Objects.Management, want) {
		t.Errorf("Diagnose(split) management objects = %v, want %v", r.Objects.Management, want)
	}
	if len(r.Objects.Bootstrap) != 8 || r.Objects.Bootstrap[0] != "EtcdadmCluster/cluster3-etcd" {
		t.Errorf("Diagnose(split) bootstrap objects = %v, want 8 sorted", r.Objects.Bootstrap)
	}
	var machines []string
	for _, m := range r.Machines {
		machines = append(machines, m.Location+"/"+m.Name)
	}
	want := "bootstrap/cluster3-2snw8 bootstrap/cluster3-etcd-chkc5 bootstrap/cluster3-md-0-854976576-tw6hr"
	if strings.Join(machines, " ") != want {
		t.Errorf("Diagnose(split) machines = %v, want %s", machines, want)
	}
	if r.Checkpoint == nil || r.Checkpoint.Phase != "upgrade" || r.Checkpoint.FailedTask != "capi-management-move-to-workload" {
		t.Errorf("Diagnose(split) checkpoint = %+v, want upgrade phase", r.Checkpoint)
	}
	if len(r.Backups) != 1 || r.Backups[0].Age != "90s" {
		t.Errorf("Diagnose(split) backups = %+v, want one 90s old (kubectl's AGE)", r.Backups)
	}
}

func TestDiagnose_CheckpointPhase(t *testing.T) {
	tests := []struct{ failedAt, want string }{
		{"setup-and-validate", "validation"},
		{"install-capi", "validation"},
		{"capi-management-move-to-bootstrap", "upgrade"},
		{"delete-kind-cluster", "upgrade"},
		{"some-v0.20-task", ""},
	}
	for _, tt := range tests {
		r := Diagnose(newSnap().home(newK8s).checkpoint(tt.failedAt).build())
		if r.Checkpoint.Phase != tt.want {
			t.Errorf("Diagnose(failed at %s) checkpoint phase = %q, want %q", tt.failedAt, r.Checkpoint.Phase, tt.want)
		}
	}
}

// TestDiagnose_Deterministic: the same input in another order gives the
// same report, byte for byte.
func TestDiagnose_Deterministic(t *testing.T) {
	build := func(reversed bool) Input {
		b := newSnap().eksa("v0.19.8").home(oldK8s).eksaPaused().workloadPaused().kind().
			backup("/w/b1", time.Hour, 3).backup("/w/b2", 2*time.Hour, 4).backup("/w/b3", time.Hour, 5).
			mgmtMachine(snapshot.Machine{Name: "cluster3-a", ClusterName: "cluster3", Phase: "Failed"})
		n := b.node(cpMachine)
		n.Ready = false
		n.Roles = []string{"master", "control-plane"}
		if reversed {
			m := &b.snap.Management
			reverse(m.Objects)
			reverse(m.Machines)
			reverse(m.Nodes)
			reverse(m.EKSA)
			reverse(b.ws.Backups)
		}
		return b.build()
	}
	a, _ := json.Marshal(Diagnose(build(false)))
	b, _ := json.Marshal(Diagnose(build(true)))
	if string(a) != string(b) {
		t.Errorf("Diagnose(reordered) =\n%s\nwant\n%s", b, a)
	}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// TestDiagnose_DoesNotModifyInput: a pure function leaves its input alone.
func TestDiagnose_DoesNotModifyInput(t *testing.T) {
	in := newSnap().stranded().build()
	in.Snapshot.Management.Role, in.Snapshot.Bootstrap.Role = "", ""
	before, _ := json.Marshal(in)
	Diagnose(in)
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Errorf("Diagnose(in) modified in:\n%s\nwant\n%s", after, before)
	}
}
