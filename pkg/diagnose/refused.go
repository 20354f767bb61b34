package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeWorkloadRefused: a workload cluster's upgrade was refused because
// its management cluster is older: workload clusters cannot run a newer
// EKS-A than their management cluster (EKS-A's versioning rules).
const CodeWorkloadRefused = "WorkloadUpgradeRefused"

// workloadsRefused: a workload cluster managed by this one whose upgrade
// failed because it asks for a newer EKS-A than the management cluster
// runs, or whose failureMessage says so.
func workloadsRefused(f *facts) []hit {
	var out []hit
	for _, o := range f.mgmt.EKSA {
		if o.Group != eksa.GroupEKSA || o.Kind != "Cluster" || o.Name == f.name || o.Fields["managementCluster"] != f.name {
			continue
		}
		want, ok := parseEra(o.Fields["eksaVersion"])
		ahead := ok && f.era.known && want.newer(f.era)
		msg := o.Fields["failureMessage"]
		if !ahead && !strings.Contains(strings.ToLower(msg), "management") {
			continue
		}
		ref := objectRef(o)
		text := fmt.Sprintf("workload cluster %s asks for EKS-A %s but its management cluster %s runs %s: workload clusters cannot run a newer EKS-A than their management cluster",
			o.Name, orUnknown(want.version), f.name, orUnknown(f.era.version))
		if msg != "" {
			text += " (status.failureMessage: " + oneLineText(msg) + ")"
		}
		out = append(out, hit{clause: "workload cluster " + o.Name + "'s upgrade is refused", objects: []string{ref},
			findings: []Finding{{Severity: Error, Code: CodeWorkloadRefused, Object: ref, Location: string(snapshot.Management), Message: text,
				Evidence: failureEvidence(f, o)}},
			steps: []Step{{
				Command: "eksctl anywhere upgrade cluster -f " + quote(f.clusterSpec()) + " -v9",
				Why: fmt.Sprintf("upgrade in order: the management cluster %s to %s first, then workload cluster %s (eksctl anywhere upgrade cluster -f <%s's spec> --kubeconfig %s)",
					f.name, orUnknown(want.version), o.Name, o.Name, quote(f.mgmt.Kubeconfig)),
			}}})
	}
	return out
}
