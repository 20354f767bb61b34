package resume

import (
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The pause markers (EKSA-FACTS.md, "Pause markers").
const (
	AnnotationEKSAPaused   = "anywhere.eks.amazonaws.com/paused"
	AnnotationManagedByCLI = "anywhere.eks.amazonaws.com/managed-by-cli"
	AnnotationFlux         = "kustomize.toolkit.fluxcd.io/reconcile"
	AnnotationCAPIPaused   = "cluster.x-k8s.io/paused"
	// AnnotationEtcdUpgrading is set on an EtcdadmCluster while its etcd
	// machines are rolled; the control plane is paused meanwhile.
	AnnotationEtcdUpgrading = "etcdcluster.cluster.x-k8s.io/upgrading"

	// MarkerSpecPaused is how a CAPI Cluster's spec.paused reads in messages.
	MarkerSpecPaused = "spec.paused"
)

const (
	capiGroup         = "cluster.x-k8s.io"
	controlPlaneGroup = "controlplane.cluster.x-k8s.io"
	etcdGroup         = "etcdcluster.cluster.x-k8s.io"
	eksaGroup         = "anywhere.eks.amazonaws.com"
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

// capiMarkers finds the markers on one CAPI object. etcdUpgrading holds the
// clusters whose EtcdadmCluster is mid-roll.
func capiMarkers(o snapshot.Object, etcdUpgrading map[string]string) (Change, []Held) {
	ch := Change{Object: refOf(o), Cluster: o.ClusterName}
	var held []Held
	if o.Group == capiGroup && o.Kind == "Cluster" && o.Paused {
		ch.SpecPaused = true
	}
	if _, ok := o.Annotations[AnnotationCAPIPaused]; ok {
		marker := "annotation " + AnnotationCAPIPaused
		etcd, rolling := etcdUpgrading[o.ClusterName]
		if o.ClusterName == "" && len(etcdUpgrading) > 0 {
			// Whose control plane it is is unknown: any etcd roll holds it.
			var names []string
			for _, name := range etcdUpgrading {
				names = append(names, name)
			}
			sort.Strings(names)
			etcd, rolling = names[0], true
		}
		switch {
		case o.Group != controlPlaneGroup || o.Kind != "KubeadmControlPlane":
			held = append(held, Held{refOf(o), marker, "neither eksctl nor EKS-A pauses a " + o.Kind +
				" this way, so it was paused on purpose: remove it by hand once you know why"})
		case rolling:
			held = append(held, Held{refOf(o), marker, "EtcdadmCluster " + etcd + " is still upgrading etcd (" +
				AnnotationEtcdUpgrading + "); the control plane stays paused until etcd is ready, then whoever paused it for the roll (the EKS-A controller, or eksctl mid-upgrade) lets it go"})
		default:
			ch.Annotations = append(ch.Annotations, AnnotationCAPIPaused)
		}
	}
	return ch, held
}

// eksaMarkers finds eksctl's markers on one EKS-A object.
func eksaMarkers(o snapshot.Object) (Change, []Held) {
	ch := Change{Object: refOf(o)}
	if o.Kind == "Cluster" {
		ch.Cluster = o.Name
	}
	var found []string
	if o.Annotations[AnnotationEKSAPaused] == "true" {
		found = append(found, AnnotationEKSAPaused)
	}
	if o.Annotations[AnnotationManagedByCLI] == "true" {
		found = append(found, AnnotationManagedByCLI)
	}
	if o.Annotations[AnnotationFlux] == "disabled" {
		found = append(found, AnnotationFlux)
	}
	if len(found) == 0 {
		return ch, nil
	}
	if !eksctlPauses(o.Kind) {
		var held []Held
		for _, a := range found {
			held = append(held, Held{refOf(o), "annotation " + a, "eksctl never sets it on a " + o.Kind +
				", so it was set on purpose: remove it by hand once you know why"})
		}
		return ch, held
	}
	ch.Annotations = found
	return ch, nil
}

// eksctlPauses: the EKS-A kinds eksctl annotates when it pauses a cluster.
func eksctlPauses(kind string) bool {
	return kind == "Cluster" || strings.HasSuffix(kind, "DatacenterConfig") || strings.HasSuffix(kind, "MachineConfig")
}

// upgradingEtcd maps each cluster whose EtcdadmCluster carries the
// upgrading annotation to that EtcdadmCluster's name.
func upgradingEtcd(objs []snapshot.Object) map[string]string {
	out := map[string]string{}
	for _, o := range objs {
		if o.Group != etcdGroup || o.Kind != "EtcdadmCluster" || o.ClusterName == "" {
			continue
		}
		if _, ok := o.Annotations[AnnotationEtcdUpgrading]; ok {
			out[o.ClusterName] = o.Name
		}
	}
	return out
}
