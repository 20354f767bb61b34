package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeCNINotReady: Nodes NotReady because the CNI is not initialized on
// them, or the CNI's DaemonSet has not converged: no pod networking there,
// so the upgrade's new Machines never become ready and a rerun only waits.
const CodeCNINotReady = "CNINotReady"

// cniNotReady: Nodes whose kubelet says the network plugin is not ready,
// and kube-system's CNI DaemonSet (Cilium) not converged.
func cniNotReady(f *facts) []hit {
	var nodes []snapshot.Node
	for _, n := range f.mgmt.Nodes {
		if !n.Ready && cniMessage(n.ReadyCondition.Message) {
			nodes = append(nodes, n)
		}
	}
	var ds *snapshot.DaemonSet
	for i, d := range f.mgmt.DaemonSets {
		if isCNI(d.Name) && !d.Converged() {
			ds = &f.mgmt.DaemonSets[i]
		}
	}
	if len(nodes) == 0 && ds == nil {
		return nil
	}
	var parts, objects []string
	for _, n := range nodes {
		parts = append(parts, fmt.Sprintf("Node %s NotReady (%s: %s)", n.Name, n.ReadyCondition.Reason, oneLineText(n.ReadyCondition.Message)))
		objects = append(objects, "Node/"+n.Name)
	}
	name := "cilium"
	if ds != nil {
		name = ds.Name
		parts = append(parts, fmt.Sprintf("DaemonSet %s/%s has %d of %d pods ready, %d updated", ds.Namespace, ds.Name, ds.Ready, ds.Desired, ds.Updated))
		objects = append(objects, "DaemonSet/"+ds.Namespace+"/"+ds.Name)
	}
	ref := objects[0]
	k := f.kubectl()
	var conds []snapshot.Condition
	for _, n := range nodes {
		c := n.ReadyCondition
		c.Type = "Node " + n.Name + " " + c.Type
		conds = append(conds, c)
	}
	ev := evidenceOf(f.in.Now, conds, nil)
	if ds != nil {
		ev.Counts = map[string]int64{"desiredNumberScheduled": ds.Desired, "numberReady": ds.Ready, "updatedNumberScheduled": ds.Updated,
			"numberAvailable": ds.Available}
	}
	return []hit{{
		clause:  "the CNI is not ready",
		objects: objects,
		findings: []Finding{{Severity: Error, Code: CodeCNINotReady, Object: ref, Location: string(snapshot.Management),
			Message: "the CNI is not ready: " + strings.Join(parts, "; "), Evidence: ev}},
		steps: []Step{{
			Command: fmt.Sprintf("%s -n %s get pods -l k8s-app=%s -o wide", k, eksa.CNINamespace, name),
			Why: "the CNI's pods on the NotReady Nodes say why it does not start (image pull, crash, config); " +
				"the Nodes become Ready once it runs there. A rerun of the upgrade would only wait on them",
		}, {
			Command: fmt.Sprintf("%s -n %s rollout status daemonset/%s", k, eksa.CNINamespace, name),
			Why:     "wait for the CNI to converge on every Node, then run status again",
		}},
	}}
}

// cniMessage: the kubelet's words for a network plugin not ready.
func cniMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "networkpluginnotready") || strings.Contains(m, "cni plugin not initialized") ||
		strings.Contains(m, "network plugin")
}

// isCNI: the DaemonSets of the CNIs EKS-A installs (Cilium) or users bring.
func isCNI(name string) bool {
	return slices.Contains([]string{"cilium", "kindnet", "calico-node", "aws-node"}, name)
}
