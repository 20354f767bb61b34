package pause

import (
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Why each marker is safe to clear, or not:
//
//   - spec.paused on a CAPI Cluster: set by eksctl on the clusters it
//     upgrades (workload clusters in place) and by a move on the clusters it
//     carries. Plan refuses while KinD holds any of the clusters' objects, so
//     every Cluster here is home and nothing else is working on it: eksctl's
//     resume and a finished move both unpause it. Cleared.
//   - cluster.x-k8s.io/paused on a KubeadmControlPlane: the control plane is
//     held while external etcd is rolled. While the cluster's EtcdadmCluster
//     still says etcdcluster.cluster.x-k8s.io/upgrading, etcd is half rolled,
//     and a control plane let go now would roll against it: held (the EKS-A
//     controller, or eksctl's rerun, lets it go once etcd is ready). Without
//     that annotation nothing holds it any more: cleared.
//   - cluster.x-k8s.io/paused on any other object: neither eksctl nor EKS-A
//     sets it there, so someone paused that object on purpose: held.
//   - anywhere.eks.amazonaws.com/paused, .../managed-by-cli and
//     kustomize.toolkit.fluxcd.io/reconcile: disabled on the EKS-A Cluster,
//     DatacenterConfigs and MachineConfigs: eksctl sets them before it
//     changes anything and removes them as its last steps ("Resuming EKS-A
//     controller reconcile", "Resuming GitOps cluster resources
//     kustomization"); from v0.19 its preflight refuses a paused cluster.
//     Clearing them is that last step. Cleared. On other EKS-A kinds eksctl
//     never sets them: held.

// decide turns one side's markers into the changes to make, one per
// object in the order first marked, and the markers to leave set.
func decide(markers []Marker, objs []snapshot.Object) ([]Change, []Held) {
	etcdUpgrading := upgradingEtcd(objs)
	var changes []Change
	var held []Held
	at := map[Ref]int{}
	change := func(m Marker) *Change {
		ref := refOf(m.Object)
		i, ok := at[ref]
		if !ok {
			i = len(changes)
			at[ref] = i
			changes = append(changes, Change{Object: ref, Cluster: m.Object.ClusterName})
			if m.Kind.OnEKSA() {
				changes[i].Cluster = ""
				if m.Object.Kind == "Cluster" {
					changes[i].Cluster = m.Object.Name
				}
			}
		}
		return &changes[i]
	}
	for _, m := range markers {
		o := m.Object
		switch {
		case m.Kind == SpecPaused:
			change(m).SpecPaused = true
		case m.Kind == CAPIAnnotation:
			if h, hold := holdCAPIAnnotation(o, etcdUpgrading); hold {
				held = append(held, h)
				continue
			}
			ch := change(m)
			ch.Annotations = append(ch.Annotations, m.Kind.Annotation())
		case !eksctlPauses(o.Kind):
			held = append(held, Held{refOf(o), "annotation " + m.Kind.Annotation(), "eksctl never sets it on a " + o.Kind +
				", so it was set on purpose: remove it by hand once you know why"})
		default:
			ch := change(m)
			ch.Annotations = append(ch.Annotations, m.Kind.Annotation())
		}
	}
	return changes, held
}

// holdCAPIAnnotation says whether cluster.x-k8s.io/paused on o stays, and why.
func holdCAPIAnnotation(o snapshot.Object, etcdUpgrading map[string]etcdHold) (Held, bool) {
	marker := "annotation " + eksa.AnnotationCAPIPaused
	etcd, rolling := etcdUpgrading[o.ClusterName]
	if o.ClusterName == "" && len(etcdUpgrading) > 0 {
		// Whose control plane it is is unknown: any etcd roll holds it.
		var holds []etcdHold
		for _, h := range etcdUpgrading {
			holds = append(holds, h)
		}
		sort.Slice(holds, func(i, j int) bool { return holds[i].name < holds[j].name })
		etcd, rolling = holds[0], true
	}
	switch {
	case o.Group == eksa.GroupCAPI && o.Kind == "MachineHealthCheck":
		return Held{refOf(o), marker, "the EKS-A controller pauses a MachineHealthCheck itself during an in-place upgrade and lets it go when " +
			"the upgrade finishes; otherwise it was paused on purpose: remove it by hand only once you know which"}, true
	case o.Group != eksa.GroupControlPlane || o.Kind != "KubeadmControlPlane":
		return Held{refOf(o), marker, "neither eksctl nor EKS-A pauses a " + o.Kind +
			" this way, so it was paused on purpose: remove it by hand once you know why"}, true
	case rolling && etcd.notReady:
		return Held{refOf(o), marker, "EtcdadmCluster " + etcd.name + " is not ready; Cluster API keeps the " +
			"control plane paused until it is: fix etcd first, and the pause is lifted then"}, true
	case rolling:
		return Held{refOf(o), marker, "EtcdadmCluster " + etcd.name + " is still upgrading etcd (" +
			eksa.AnnotationEtcdUpgrading + "); the control plane stays paused until etcd is ready, then whoever paused it for the roll (the EKS-A controller, or eksctl mid-upgrade) lets it go"}, true
	}
	return Held{}, false
}

// eksctlPauses: the EKS-A kinds eksctl annotates when it pauses a cluster.
func eksctlPauses(kind string) bool {
	return kind == "Cluster" || strings.HasSuffix(kind, "DatacenterConfig") || strings.HasSuffix(kind, "MachineConfig")
}

// etcdHold is the EtcdadmCluster that holds a cluster's control plane,
// and whether for being not ready rather than for its upgrading annotation.
type etcdHold struct {
	name     string
	notReady bool
}

// upgradingEtcd maps each cluster whose EtcdadmCluster carries the
// upgrading annotation, or reports itself not ready (status.ready false,
// as etcdadm-controller writes it), to that EtcdadmCluster's name: either
// way Cluster API keeps the control plane paused until etcd is ready.
func upgradingEtcd(objs []snapshot.Object) map[string]etcdHold {
	out := map[string]etcdHold{}
	for _, o := range objs {
		if o.Group != eksa.GroupEtcdCluster || o.Kind != "EtcdadmCluster" || o.ClusterName == "" {
			continue
		}
		if _, ok := o.Annotations[eksa.AnnotationEtcdUpgrading]; ok {
			out[o.ClusterName] = etcdHold{name: o.Name}
		} else if o.Fields["ready"] == "false" {
			out[o.ClusterName] = etcdHold{name: o.Name, notReady: true}
		}
	}
	return out
}
