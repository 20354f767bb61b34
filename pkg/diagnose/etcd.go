package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeEtcdNotReady: the cluster's external etcd (EtcdadmCluster) is not
// ready. EKS-A's Cluster API fork keeps the control plane paused on purpose
// while it is not, so nothing else converges until etcd does: fix etcd
// first, and leave that pause alone.
const CodeEtcdNotReady = "EtcdNotReady"

// etcdNotReady: an EtcdadmCluster of the cluster with status.ready false or
// a Ready condition not True, or the CAPI Cluster's ManagedEtcdReady not True.
func etcdNotReady(f *facts) []hit {
	var out []hit
	for _, o := range f.mgmtObjs {
		if o.Group != eksa.GroupEtcdCluster || o.Kind != "EtcdadmCluster" || !etcdDown(o, f.capiCluster()) {
			continue
		}
		out = append(out, etcdHit(f, o))
	}
	return out
}

// capiCluster is the cluster's CAPI Cluster on management.
func (f *facts) capiCluster() snapshot.Object {
	for _, o := range f.mgmtObjs {
		if o.Group == eksa.GroupCAPI && o.Kind == "Cluster" && o.Name == f.name {
			return o
		}
	}
	return snapshot.Object{}
}

// etcdDown is the one rule for "external etcd is not ready", which pause
// reads too (pause.EtcdNotReady) to hold the control plane's pause.
func etcdDown(etcd, cluster snapshot.Object) bool {
	if etcd.Fields["ready"] == "false" {
		return true
	}
	for _, c := range etcd.Conditions {
		if c.Type == "Ready" && c.Status == "False" {
			return true
		}
	}
	for _, c := range cluster.Conditions {
		if c.Type == eksa.ConditionManagedEtcdReady && c.Status == "False" {
			return true
		}
	}
	return false
}

func etcdHit(f *facts, o snapshot.Object) hit {
	ref := objectRef(o)
	var why []string
	if t := readyCountText(o); t != "" {
		why = append(why, t)
	}
	if t := conditionText(f.in.Now, o.Conditions); t != "" {
		why = append(why, t)
	}
	cluster := f.capiCluster()
	for _, c := range cluster.Conditions {
		if c.Type == eksa.ConditionManagedEtcdReady && c.Status != "True" {
			why = append(why, fmt.Sprintf("Cluster %s: %s", cluster.Name, conditionText(f.in.Now, []snapshot.Condition{c})))
		}
	}
	msg := fmt.Sprintf("external etcd %s is not ready", o.Name)
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	msg += ". Cluster API keeps the control plane paused while etcd is not ready: fix etcd first, and do not remove that pause by hand"
	ev := evidenceOf(f.in.Now, append(append([]snapshot.Condition{}, o.Conditions...), cluster.Conditions...), o.Counts)
	k := f.kubectl()
	ns := " -n " + eksa.Namespace
	return hit{clause: "external etcd " + o.Name + " is not ready", objects: []string{ref, objectRef(cluster)},
		findings: []Finding{{Severity: Error, Code: CodeEtcdNotReady, Object: ref, Location: string(snapshot.Management), Message: msg, Evidence: ev}},
		steps: []Step{{
			Command: k + ns + " get machines.cluster.x-k8s.io -l " + eksa.LabelEtcdCluster + "=" + o.Name + " -o wide",
			Why: fmt.Sprintf("external etcd %s is not ready: find the etcd Machine that is down (its VM, its Node-less Machine's conditions); "+
				"a member that lost quorum or a stale init Machine must be brought back before anything else converges", o.Name),
		}, {
			Command: k + ns + " describe etcdadmclusters.etcdcluster.cluster.x-k8s.io " + o.Name,
			Why:     "etcdadm-controller's conditions and events say which member fails its health check",
		}}}
}
