package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// blocking: the marker stops reconciliation (CAPI) or, from v0.19, the
// rerun's preflight (EKS-A paused), so it must be cleared before a rerun.
// managed-by-cli and the GitOps pause are undone by the rerun itself.
func blocking(m pause.Marker, e era) bool {
	switch m.Kind {
	case pause.SpecPaused, pause.CAPIAnnotation:
		return true
	case pause.EKSAPaused:
		return e.eksaPauseBlocks()
	}
	return false
}

// markerFinding explains one marker (pause.Find detects them).
func markerFinding(m pause.Marker, e era) Finding {
	where := objectRef(m.Object)
	msg := fmt.Sprintf("%s on %s", m.Kind.Name(), where)
	if c := m.Cluster(); c != "" {
		msg += fmt.Sprintf(" (cluster %s)", c)
	}
	msg += fmt.Sprintf(" on the %s cluster", m.Side)
	sev := Info
	switch {
	case m.Kind == pause.EKSAPaused && blocking(m, e) && !e.known:
		sev = Warning
		msg += ": EKS-A v0.19+ refuses to upgrade while it is set, and the version is unknown"
	case m.Kind == pause.EKSAPaused && blocking(m, e):
		sev = Warning
		msg += ": from EKS-A v0.19 the upgrade's preflight refuses to run while it is set"
	case blocking(m, e):
		sev = Warning
		msg += ": Cluster API does not reconcile the cluster while it is set"
	default:
		msg += ": left by eksctl's pause; its rerun clears it"
	}
	return Finding{Severity: sev, Code: CodePauseMarker, Message: msg, Object: where, Location: string(m.Side)}
}

// objectRef names an object as Kind/namespace/name.
func objectRef(o snapshot.Object) string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}
