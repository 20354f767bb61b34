package diagnose

import (
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Roles of tree nodes under the Cluster.
const (
	TreeRoleInfrastructure = "ClusterInfrastructure"
	TreeRoleControlPlane   = "ControlPlane"
	TreeRoleEtcd           = "Etcd"
	TreeRoleWorkers        = "Workers"
	TreeRoleOther          = "Other"
)

const ()

// buildTree lays the cluster out as `clusterctl describe cluster` does,
// except that external etcd gets its own branch: clusterctl files etcd
// Machines under Workers/Other, which reads as if they were lost.
// Management is preferred: after a cut-off move its copy is the one kept.
func buildTree(f *facts) *TreeNode {
	objs, machines := f.mgmtObjs, f.mgmtMachines
	if !hasCluster(objs, f.name) {
		if !hasCluster(f.bootObjs, f.name) {
			return nil
		}
		objs, machines = f.bootObjs, f.bootMachines
	}
	objs = sortedObjects(objs)
	machines = append([]snapshot.Machine(nil), machines...)
	sort.Slice(machines, func(i, j int) bool { return machines[i].Name < machines[j].Name })

	var root *TreeNode
	for _, o := range objs {
		if o.Kind == "Cluster" && o.Group == eksa.GroupCAPI && o.Name == f.name {
			root = objectNode(o, "")
		}
	}
	placed := map[string]bool{}
	// take moves the Machines a pick accepts under parent, once each.
	take := func(parent *TreeNode, pick func(snapshot.Machine) bool) {
		for _, m := range machines {
			if !placed[m.Name] && pick(m) {
				placed[m.Name] = true
				parent.Children = append(parent.Children, f.machineNode(m))
			}
		}
	}

	infra := pickObjects(objs, func(o snapshot.Object) bool {
		return o.Group == eksa.GroupInfrastructure && strings.HasSuffix(o.Kind, "Cluster") && ownedBy(o.Owners, "Cluster", f.name)
	})
	if len(infra) == 0 { // owner references lost: the infrastructure Cluster named after it
		infra = pickObjects(objs, func(o snapshot.Object) bool {
			return o.Group == eksa.GroupInfrastructure && strings.HasSuffix(o.Kind, "Cluster") && o.Name == f.name
		})
	}
	for _, o := range infra {
		root.Children = append(root.Children, objectNode(o, TreeRoleInfrastructure))
	}

	// Control plane and etcd: their Machines by owner, then by role for any
	// whose owner reference was lost.
	branches := []struct {
		role     string
		match    func(snapshot.Object) bool
		machRole snapshot.MachineRole
	}{
		{TreeRoleControlPlane, func(o snapshot.Object) bool {
			return o.Group == eksa.GroupControlPlane && !strings.HasSuffix(o.Kind, "Template")
		}, snapshot.RoleControlPlane},
		{TreeRoleEtcd, func(o snapshot.Object) bool {
			return o.Group == eksa.GroupEtcdCluster && o.Kind == "EtcdadmCluster"
		}, snapshot.RoleEtcd},
	}
	for _, b := range branches {
		var nodes []*TreeNode
		for _, o := range pickObjects(objs, b.match) {
			n := objectNode(o, b.role)
			take(n, func(m snapshot.Machine) bool { return ownedBy(m.Owners, o.Kind, o.Name) })
			nodes = append(nodes, n)
		}
		if len(nodes) == 1 {
			take(nodes[0], func(m snapshot.Machine) bool { return m.Role == b.machRole })
		}
		root.Children = append(root.Children, nodes...)
	}

	// Workers: MachineDeployment → MachineSet (not shown) → Machine.
	workers := &TreeNode{Name: TreeRoleWorkers, Role: TreeRoleWorkers}
	for _, md := range pickObjects(objs, func(o snapshot.Object) bool { return o.Group == eksa.GroupCAPI && o.Kind == "MachineDeployment" }) {
		n := objectNode(md, "")
		sets := map[string]bool{}
		for _, ms := range pickObjects(objs, func(o snapshot.Object) bool {
			return o.Kind == "MachineSet" && ownedBy(o.Owners, "MachineDeployment", md.Name)
		}) {
			sets[ms.Name] = true
		}
		take(n, func(m snapshot.Machine) bool {
			for _, o := range m.Owners {
				if o.Kind == "MachineSet" && sets[o.Name] {
					return true
				}
			}
			return false
		})
		workers.Children = append(workers.Children, n)
	}
	if len(workers.Children) > 0 {
		root.Children = append(root.Children, workers)
	}

	other := &TreeNode{Name: TreeRoleOther, Role: TreeRoleOther}
	take(other, func(snapshot.Machine) bool { return true })
	if len(other.Children) > 0 {
		root.Children = append(root.Children, other)
	}
	return root
}

func objectNode(o snapshot.Object, role string) *TreeNode {
	return withCondition(&TreeNode{Kind: o.Kind, Name: o.Name, Role: role}, o.Ready)
}

// machineNode shows the Machine's Ready condition and, when vCenter was
// checked, its VM's power state.
func (f *facts) machineNode(m snapshot.Machine) *TreeNode {
	return withCondition(&TreeNode{Kind: "Machine", Name: m.Name, VM: f.vmState(m.Name)}, m.Ready)
}

// withCondition copies the Ready condition; none (nil) leaves Ready empty:
// a moved object reports none until its controller has run.
func withCondition(n *TreeNode, c *snapshot.Condition) *TreeNode {
	if c != nil {
		n.Ready, n.Severity, n.Reason, n.Message, n.Since = c.Status, c.Severity, c.Reason, c.Message, c.LastTransitionTime
	}
	return n
}

func ownedBy(owners []objgraph.Key, kind, name string) bool {
	for _, o := range owners {
		if o.Kind == kind && o.Name == name {
			return true
		}
	}
	return false
}

func pickObjects(objs []snapshot.Object, pick func(snapshot.Object) bool) []snapshot.Object {
	var out []snapshot.Object
	for _, o := range objs {
		if pick(o) {
			out = append(out, o)
		}
	}
	return out
}

// sortedObjects orders objects by kind, then name, then namespace.
func sortedObjects(objs []snapshot.Object) []snapshot.Object {
	// Sorted by index, then copied once: an Object is too big to be
	// swapped around 5,000 times over.
	order := make([]int, len(objs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &objs[order[i]], &objs[order[j]]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Namespace < b.Namespace
	})
	out := make([]snapshot.Object, len(objs))
	for i, j := range order {
		out[i] = objs[j]
	}
	return out
}
