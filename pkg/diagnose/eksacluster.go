package diagnose

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeEKSAClusterNotReady: the EKS-A Cluster's conditions not as they
// should be, said beside whatever cause the verdict names.
const CodeEKSAClusterNotReady = "EKSAClusterNotReady"

// eksaCluster is the EKS-A Cluster of the cluster on management.
func (f *facts) eksaCluster() (snapshot.Object, bool) {
	for _, o := range f.mgmt.EKSA {
		if o.Group == eksa.GroupEKSA && o.Kind == "Cluster" && o.Name == f.name {
			return o, true
		}
	}
	return snapshot.Object{}, false
}

// clusterConditions is a note: the conditions are a symptom of whatever
// else is wrong, so they change no verdict, and the generic rule (which
// reads the same conditions) decides NotReady when nothing else does.
func clusterConditions(f *facts) []hit {
	c, ok := f.eksaCluster()
	if !ok {
		return nil
	}
	t := conditionText(f.in.Now, c.Conditions)
	if t == "" {
		return nil
	}
	return []hit{{findings: []Finding{{Severity: Warning, Code: CodeEKSAClusterNotReady, Object: objectRef(c), Location: string(snapshot.Management),
		Message: "the EKS-A Cluster reports " + t, Evidence: evidenceOf(f.in.Now, c.Conditions, nil)}}}}
}
