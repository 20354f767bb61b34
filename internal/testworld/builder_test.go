package testworld

import (
	"testing"
	"time"
)

func TestKubeletVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"v1.23.17-eks-1-23-19", "v1.23.17-eks-a51510b"},
		{"v1.22.17-eks-1-22-24", "v1.22.17-eks-a51510b"},
		{"v1.30.1", "v1.30.1"},
	}
	for _, tt := range tests {
		if got := KubeletVersion(tt.in); got != tt.want {
			t.Errorf("KubeletVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestClusterBuilder_Build checks what no server would: every owner
// reference names an object built before it (the seeder and a move create in
// that order), names are unique, and the seed's machines keep their names.
func TestClusterBuilder_Build(t *testing.T) {
	for _, f := range Flavours {
		for _, workers := range []int{1, 250} {
			c, err := NewCluster(f, SeedClusterName).WithWorkers(workers).Build(time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, o := range c.Objects {
				key := ownerKey(o.GetNamespace(), o.GetAPIVersion(), o.GetKind(), o.GetName())
				if seen[key] {
					t.Errorf("%s: %s built twice", f, key)
				}
				for _, ref := range o.GetOwnerReferences() {
					if !seen[ownerKey(o.GetNamespace(), ref.APIVersion, ref.Kind, ref.Name)] {
						t.Errorf("%s: %s %s is owned by %s %s, built later or never", f, o.GetKind(), o.GetName(), ref.Kind, ref.Name)
					}
				}
				seen[key] = true
			}
			if got, want := len(c.Machines), workers+2; got != want {
				t.Errorf("%s, %d workers: machines = %d, want %d", f, workers, got, want)
			}
			if got, want := len(ownerLevels(c.Objects)), 6; got != want {
				t.Errorf("%s: owner levels = %d, want %d (Cluster > MachineDeployment > MachineSet > Machine > VSphereMachine > VSphereVM)", f, got, want)
			}
			names := map[string]bool{}
			for _, m := range c.Machines {
				if names[m.Name] {
					t.Errorf("%s: machine name %s used twice", f, m.Name)
				}
				names[m.Name] = true
			}
			for _, want := range []string{"cluster3-2snw8", "cluster3-etcd-chkc5", "cluster3-md-0-854976576-tw6hr"} {
				if !names[want] {
					t.Errorf("%s: seed machine %s missing", f, want)
				}
			}
		}
	}
}

func TestSplitCounts(t *testing.T) {
	tests := []struct {
		created, deleted, total  int
		wantCreated, wantDeleted int
	}{
		{0, 0, 30, 30, 10},   // defaults: all created, a third deleted
		{12, 0, 30, 12, 0},   // cut during creation: nothing deleted yet
		{0, -1, 30, 30, 0},   // all created, none deleted
		{40, 50, 30, 30, 30}, // clamped
	}
	for _, tt := range tests {
		w := &World{Options: Options{SplitCreated: tt.created, SplitDeleted: tt.deleted}}
		c, d := w.splitCounts(tt.total)
		if c != tt.wantCreated || d != tt.wantDeleted {
			t.Errorf("splitCounts(%d, %d, %d) = %d, %d, want %d, %d", tt.created, tt.deleted, tt.total, c, d, tt.wantCreated, tt.wantDeleted)
		}
	}
}
