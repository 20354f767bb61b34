package testworld

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The EKS-A Cluster's status as the EKS-A controller writes it on a healthy
// cluster (aws/eks-anywhere pkg/api/v1alpha1/condition_consts.go, from
// v0.17.0; pkg/controller/clusters/status.go and controllers/
// cluster_controller.go at v0.26.1): Cluster API v1beta1 conditions, Ready
// summarising ControlPlaneInitialized, ControlPlaneReady, WorkersReady and
// DefaultCNIConfigured, no failureMessage or failureReason. v0.16 sets no
// conditions at all.

// EKSAClusterConditions are the condition types of a healthy EKS-A Cluster,
// in the order Cluster API's conditions.Set keeps them (Ready first).
var EKSAClusterConditions = []string{"Ready", "ControlPlaneInitialized", "ControlPlaneReady", "DefaultCNIConfigured", "WorkersReady"}

// eksaHasConditions: EKS-A writes conditions from v0.17; a v1beta2 world is
// of v0.24 or later whatever version it was asked for.
func eksaHasConditions(version string, f Flavour) bool {
	return eraAtLeast(version, "v0.17") || f == V1Beta2
}

// setEKSAClusterStatus writes a healthy EKS-A Cluster's status.
func setEKSAClusterStatus(u *unstructured.Unstructured, s EKSASpec) {
	if s.Now.IsZero() || !eksaHasConditions(s.EKSAVersion, s.Flavour) {
		return
	}
	set(u, map[string]any{
		"observedGeneration": 1, "reconciledGeneration": 1,
		"conditions": V1Beta1.conditions(s.Now, EKSAClusterConditions...),
	}, "status")
}

// v1beta1False is a Cluster API v1beta1 condition of type t set False
// as the EKS-A controller sets it (v1beta1: severity, reason, message).
func v1beta1False(t, severity, reason, message string, at time.Time) map[string]any {
	return map[string]any{"type": t, "status": "False", "severity": severity, "reason": reason,
		"message": message, "lastTransitionTime": at.UTC().Format(time.RFC3339)}
}
