package testworld

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// v1beta2's "negative" conditions: Cluster API from v1.11 writes them on
// every object it reconciles, False while nothing is under way, with the
// reason Not<Type> (snarkychef/cluster-api v0.1.0
// api/core/v1beta2/condition_consts.go, util/paused). A healthy v1beta2
// object carries them False; they read red when True.
var negativeByKind = map[string][]string{
	"Cluster":             {"RollingOut", "ScalingUp", "ScalingDown", "Remediating", "Deleting", "Paused"},
	"KubeadmControlPlane": {"RollingOut", "ScalingUp", "ScalingDown", "Remediating", "Deleting", "Paused"},
	"MachineDeployment":   {"RollingOut", "ScalingUp", "ScalingDown", "Remediating", "Deleting", "Paused"},
	"MachineSet":          {"ScalingUp", "ScalingDown", "Remediating", "Deleting", "Paused"},
	"Machine":             {"Deleting", "Paused"},
	"MachineHealthCheck":  {"Paused"},
	"KubeadmConfig":       {"Paused"},
}

// addNegativeConditions appends them, False, to the v1beta2 objects of
// Cluster API's own groups that carry conditions.
func addNegativeConditions(c *Cluster, f Flavour, now time.Time) {
	if f != V1Beta2 {
		return
	}
	ts := now.UTC().Format(time.RFC3339)
	for _, o := range c.Objects {
		types, ok := negativeByKind[o.GetKind()]
		group := groupOf(o.GetAPIVersion())
		if !ok || o.GetAPIVersion() != f.APIVersion(group) ||
			(group != eksa.GroupCAPI && group != eksa.GroupControlPlane && group != eksa.GroupBootstrap) {
			continue
		}
		list, found, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
		if !found {
			continue
		}
		for _, t := range types {
			list = append(list, map[string]any{"type": t, "status": "False", "reason": "Not" + t, "message": "", "lastTransitionTime": ts})
		}
		set(o, list, "status", "conditions")
	}
}
