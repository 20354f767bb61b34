package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeEtcdUpgradeStuck: an etcd roll that does not finish; the control
// plane stays paused until it does.
const CodeEtcdUpgradeStuck = "EtcdUpgradeStuck"

// etcdRollStuck: EtcdadmClusters that keep their upgrading annotation (and
// so the control plane paused) without converging, one clause for all.
func etcdRollStuck(f *facts) []hit {
	var h hit
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
		ref := objectRef(o)
		h.objects = append(h.objects, ref)
		h.findings = append(h.findings, Finding{Severity: Error, Code: CodeEtcdUpgradeStuck, Object: ref, Location: string(snapshot.Management),
			Message: msg, Evidence: evidenceOf(f.in.Now, o.Conditions, o.Counts)})
		h.steps = append(h.steps, Step{Command: f.kubectl() + " -n " + eksa.Namespace + " describe etcdadmclusters.etcdcluster.cluster.x-k8s.io " + o.Name,
			Why: "the etcd roll has not finished, and the control plane waits for it: its conditions and events say why"})
	}
	if len(h.findings) == 0 {
		return nil
	}
	h.clause = "the etcd roll has not finished"
	return []hit{h}
}
