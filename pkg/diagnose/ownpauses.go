package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Pauses the controllers set themselves, on purpose, mid-operation: they
// are not what a failed run left, never counted as PausedAfterFailure, and
// never to be cleared by hand.
//   - EKS-A's controller pauses the worker MachineHealthChecks during an
//     in-place upgrade (so remediation does not replace nodes it is
//     upgrading) and lets them go when the upgrade finishes.
//   - EKS-A's Cluster API fork keeps the KubeadmControlPlane paused while
//     the external etcd is not ready (package pause holds it too).

// ownPause says why a marker is a controller's own, or "" when it is not.
func (f *facts) ownPause(m pause.Marker) string {
	if m.Side != snapshot.Management || m.Kind != pause.CAPIAnnotation {
		return ""
	}
	switch {
	case m.Object.Kind == "MachineHealthCheck" && m.Object.Group == eksa.GroupCAPI && f.inPlaceUnderWay():
		return "set by the EKS-A controller for the in-place upgrade under way, so remediation leaves the nodes it upgrades alone; " +
			"it removes it when the upgrade finishes. Do not remove it by hand mid-upgrade"
	case m.Object.Kind == "KubeadmControlPlane" && len(etcdNotReady(f)) > 0:
		return "Cluster API keeps the control plane paused while the external etcd is not ready (see EtcdNotReady): " +
			"fix etcd first; the pause is lifted once etcd is ready. Do not remove it by hand"
	}
	return ""
}

// leftMarkers are the management cluster's markers a failed run left:
// every marker but the controllers' own.
func (f *facts) leftMarkers() []pause.Marker {
	var out []pause.Marker
	for _, m := range f.markersOn(snapshot.Management) {
		if f.ownPause(m) == "" {
			out = append(out, m)
		}
	}
	return out
}

// ownPauseFinding names a controller's own pause as what it is.
func ownPauseFinding(m pause.Marker, why string) Finding {
	where := objectRef(m.Object)
	return Finding{Severity: Info, Code: CodePauseMarker, Object: where, Location: string(m.Side),
		Message: fmt.Sprintf("%s on %s: %s", m.Kind.Name(), where, why)}
}

// inPlaceUnderWay: an in-place upgrade of the cluster has started and not
// finished: an upgrade object not completed, or a control plane or
// MachineDeployment marked as needing one.
func (f *facts) inPlaceUnderWay() bool {
	for _, o := range f.mgmt.EKSA {
		switch o.Kind {
		case eksa.KindControlPlaneUpgrade, eksa.KindMachineDeploymentUpgrade, eksa.KindNodeUpgrade:
			if o.Fields["completed"] != "true" {
				return true
			}
		}
	}
	for _, o := range f.mgmtObjs {
		if _, ok := o.Annotations[eksa.AnnotationInPlaceUpgradeNeeded]; ok {
			return true
		}
		if _, ok := o.Annotations[eksa.AnnotationMDInPlaceUpgradeNeeded]; ok {
			return true
		}
	}
	return false
}
