package eksa

import (
	"slices"
	"strings"
)

// ControllerNamespaces are where a management cluster runs the controllers
// an upgrade needs (EKS-A's troubleshooting guide): Cluster API core, the
// kubeadm and etcdadm providers, every infrastructure provider EKS-A ships,
// EKS-A itself and cert-manager. A crash-looping one stops everything it
// reconciles.
var ControllerNamespaces = []string{
	"capi-system", "capi-kubeadm-bootstrap-system", "capi-kubeadm-control-plane-system",
	"etcdadm-bootstrap-provider-system", "etcdadm-controller-system",
	"capv-system", "capc-system", "capx-system", "capt-system", "capas-system", "capd-system",
	Namespace, "cert-manager",
}

// IsControllerNamespace says whether a namespace holds controllers the
// upgrade needs: one of ControllerNamespaces, or a provider's own
// (clusterctl installs each into <name>-system).
func IsControllerNamespace(ns string) bool {
	return slices.Contains(ControllerNamespaces, ns) || strings.HasSuffix(ns, "-system") && ns != "kube-system"
}

// CNINamespace holds the CNI's DaemonSet (Cilium, EKS-A's default, as
// DaemonSet cilium) and kube-proxy's.
const CNINamespace = "kube-system"

// Wire strings of the readiness signals the rules read by name.
const (
	// ConditionManagedEtcdReady and ConditionManagedEtcdInitialized are the
	// Cluster conditions EKS-A's Cluster API fork sets for external etcd;
	// while etcd is not ready it keeps the control plane paused.
	ConditionManagedEtcdReady       = "ManagedEtcdReady"
	ConditionManagedEtcdInitialized = "ManagedEtcdInitialized"
)
