package testworld

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// External etcd as its controllers report it.
//
// EKS-A's Cluster API fork (abhay-krishna/cluster-api v1.4.2-eksa.1 and
// snarkychef/cluster-api v0.1.0, api/.../condition_consts.go and
// internal/controllers/cluster/cluster_controller_phases.go) sets on the
// Cluster the condition types "ManagedEtcdInitialized" and
// "ManagedEtcdReady" (Go names ManagedExternalEtcdCluster*Condition) and
// the booleans status.managedExternalEtcdInitialized/Ready. In v1beta1 both
// are v1beta1 conditions; in v1beta2 ManagedEtcdInitialized is a
// metav1.Condition (reason ManagedEtcdInitialized) and ManagedEtcdReady,
// mirrored from the EtcdadmCluster's Ready, stays a v1beta1 condition under
// status.deprecated.v1beta1. While etcd is not ready the fork puts
// cluster.x-k8s.io/paused: "true" on the control plane.
//
// etcdadm-controller (v1.0.10, v1.0.28 controllers/status.go) writes the
// ready member count as status.replicas, status.ready, initMachineAddress,
// endpoints and the conditions patchEtcdCluster summarises into Ready.

// Wire strings of EKS-A's fork, for tests.
const (
	ConditionManagedEtcdInitialized = "ManagedEtcdInitialized"
	ConditionManagedEtcdReady       = "ManagedEtcdReady"
)

// etcdClusterConditions are the etcd condition types the fork adds to a
// Cluster with external etcd: in status.conditions and in the v1beta1 list.
func etcdClusterConditions(f Flavour, external bool) (conditions, v1beta1 []string) {
	switch {
	case !external:
		return nil, nil
	case f == V1Beta2:
		return []string{ConditionManagedEtcdInitialized}, []string{ConditionManagedEtcdReady}
	}
	return nil, []string{ConditionManagedEtcdInitialized, ConditionManagedEtcdReady}
}

// etcdadmConditions are the condition types etcdadm-controller sets on a
// healthy EtcdadmCluster, Ready first then sorted, as conditions.Set keeps them.
var etcdadmConditions = []string{"Ready", "EtcdCertificatesAvailable", "EtcdClusterHasNoOutdatedMachines",
	"EtcdClusterResizeCompleted", "EtcdEndpointsAvailable", "EtcdMachinesSpecUpToDate", "Initialized"}

// etcdadmClusterStatus is a healthy EtcdadmCluster's status with ready
// members at the given addresses.
func etcdadmClusterStatus(now time.Time, name string, addresses []string, ready int) map[string]any {
	endpoints := make([]string, len(addresses))
	for i, a := range addresses {
		endpoints[i] = fmt.Sprintf("https://%s:2379", a)
	}
	return map[string]any{
		"ready": true, "creationComplete": true, "initialized": true,
		"replicas":           ready,
		"initMachineAddress": addresses[0],
		"endpoints":          strings.Join(endpoints, ","),
		"selector":           eksa.LabelClusterName + "=" + strings.TrimSuffix(name, "-etcd") + "," + eksa.LabelEtcdCluster + "=" + name,
		"observedGeneration": 1,
		"conditions":         V1Beta1.conditions(now, etcdadmConditions...),
	}
}
