package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeEtcdUpgradeStuck: an etcd roll that does not finish; the control
// plane stays paused until it does.
const CodeEtcdUpgradeStuck = "EtcdUpgradeStuck"

// etcdFindings: an EtcdadmCluster that keeps its upgrading annotation (and
// so the control plane paused) without converging.
func etcdFindings(f *facts) []Finding {
	var out []Finding
	for _, o := range f.mgmtObjs {
		if o.Group != eksa.GroupEtcdCluster || o.Kind != "EtcdadmCluster" {
			continue
		}
		if _, ok := o.Annotations[eksa.AnnotationEtcdUpgrading]; !ok || !stuckFor(f.in.Now, lastChange(o.Conditions)) {
			continue
		}
		msg := fmt.Sprintf("EtcdadmCluster %s has carried %s for %s, which keeps the KubeadmControlPlane paused",
			o.Name, eksa.AnnotationEtcdUpgrading, ageText(f.in.Now, lastChange(o.Conditions)))
		if t := conditionText(f.in.Now, o.Conditions); t != "" {
			msg += "; " + t
		}
		out = append(out, Finding{Severity: Error, Code: CodeEtcdUpgradeStuck, Object: objectRef(o), Location: string(snapshot.Management),
			Message: msg, Evidence: evidenceOf(f.in.Now, o.Conditions, o.Counts)})
	}
	return out
}
