package diagnose

import (
	"strings"
	"testing"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// render prints a tree one node a line, indented, as Role Kind/Name Ready.
func render(n *TreeNode, depth int, sb *strings.Builder) {
	if n == nil {
		return
	}
	sb.WriteString(strings.Repeat("  ", depth))
	if n.Role != "" && n.Kind != "" {
		sb.WriteString(n.Role + " - ")
	}
	if n.Kind != "" {
		sb.WriteString(n.Kind + "/")
	}
	sb.WriteString(n.Name)
	if n.Ready != "" {
		sb.WriteString(" " + n.Ready)
	}
	sb.WriteString("\n")
	for _, c := range n.Children {
		render(c, depth+1, sb)
	}
}

func TestDiagnose_Tree(t *testing.T) {
	const full = `Cluster/cluster3 True
  ClusterInfrastructure - VSphereCluster/cluster3 True
  ControlPlane - KubeadmControlPlane/cluster3 True
    Machine/cluster3-2snw8 True
  Etcd - EtcdadmCluster/cluster3-etcd True
    Machine/cluster3-etcd-chkc5 True
  Workers
    MachineDeployment/cluster3-md-0 True
      Machine/cluster3-md-0-854976576-tw6hr True
`
	tests := []struct {
		name string
		in   *snapBuilder
		want string
	}{
		{"on management", newSnap().home(newK8s), full},
		{"stranded: from KinD", newSnap().stranded(), full},
		{"split: from management, Machines not there", newSnap().split(),
			"Cluster/cluster3 True\n  ClusterInfrastructure - VSphereCluster/cluster3 True\n"},
		{"moved, no status yet; an unowned Machine under Other", func() *snapBuilder {
			b := newSnap().home(newK8s).mgmtMachine(snapshot.Machine{Name: "cluster3-orphan", ClusterName: "cluster3"})
			b.objectNamed("Cluster", "cluster3").Ready = nil
			return b
		}(), strings.Replace(full, "Cluster/cluster3 True\n", "Cluster/cluster3\n", 1) + "  Other\n    Machine/cluster3-orphan\n"},
		{"missing: no tree", newSnap(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			render(Diagnose(tt.in.build()).Tree, 0, &sb)
			if sb.String() != tt.want {
				t.Errorf("Diagnose(...) tree =\n%s\nwant\n%s", sb.String(), tt.want)
			}
		})
	}
}
