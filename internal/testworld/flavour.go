package testworld

import (
	"fmt"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Flavour is the Cluster API contract the world's CAPI CRDs serve. The two
// differ in shape (references, conditions, status), and the plugin must read
// both right, so every object the builder writes depends on it.
type Flavour string

const (
	// V1Beta1 is the storage version of EKS-A's Cluster API fork v1.4.2-eksa.1,
	// what EKS-A v0.16 and v0.17 (the KinD era) run; v0.18-v0.23 keep it.
	V1Beta1 Flavour = "v1beta1"
	// V1Beta2 is the storage version from Cluster API v1.11 (EKS-A v0.24+),
	// served alone, from EKS-A's current fork.
	V1Beta2 Flavour = "v1beta2"
)

// Flavours lists both contracts, for tests that run in each.
var Flavours = []Flavour{V1Beta1, V1Beta2}

// ParseFlavour accepts the names a user types.
func ParseFlavour(s string) (Flavour, error) {
	switch Flavour(s) {
	case V1Beta1, V1Beta2:
		return Flavour(s), nil
	}
	return "", fmt.Errorf("unknown flavour %q: use v1beta1 or v1beta2", s)
}

// CAPIVersion is the Cluster API release the flavour's provider inventory
// reports: what EKS-A's fork (capiFork) is built from.
func (f Flavour) CAPIVersion() string {
	if f == V1Beta2 {
		return "v1.14.2"
	}
	return "v1.4.2"
}

// APIVersion is the apiVersion of a CAPI core, kubeadm bootstrap or kubeadm
// control-plane object in this flavour.
func (f Flavour) APIVersion(group string) string { return group + "/" + string(f) }

// Provider API versions do not follow the core contract: CAPV and etcdadm
// stay on v1beta1 in both flavours, as in EKS-A's bundles.
const (
	InfraAPIVersion         = eksa.GroupInfrastructure + "/v1beta1"
	EtcdadmConfigAPIVersion = eksa.GroupBootstrap + "/v1beta1"
	EtcdClusterAPIVersion   = eksa.GroupEtcdCluster + "/v1beta1"
	EKSAAPIVersion          = eksa.GroupEKSA + "/v1alpha1"
)

// ref is an object reference in this flavour's shape: v1beta1 carries
// apiVersion and namespace, v1beta2 only apiGroup, kind and name.
func (f Flavour) ref(apiVersion, kind, name, namespace string) map[string]any {
	if f == V1Beta2 {
		return map[string]any{"apiGroup": groupOf(apiVersion), "kind": kind, "name": name}
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "name": name, "namespace": namespace}
}

// conditions renders True conditions of the given types as this flavour's
// controllers write them. v1beta2 uses metav1.Condition (reason required) and
// keeps the old ones under status.deprecated.v1beta1.
func (f Flavour) conditions(at time.Time, types ...string) []any {
	ts := at.UTC().Format(time.RFC3339)
	out := make([]any, 0, len(types))
	for _, t := range types {
		c := map[string]any{"type": t, "status": "True", "lastTransitionTime": ts}
		if f == V1Beta2 {
			c["reason"] = t
			c["message"] = ""
		}
		out = append(out, c)
	}
	return out
}

func groupOf(apiVersion string) string {
	for i := len(apiVersion) - 1; i >= 0; i-- {
		if apiVersion[i] == '/' {
			return apiVersion[:i]
		}
	}
	return ""
}
