package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The pause markers a failed upgrade can leave set (EKSA-FACTS.md, "Pause markers").
const (
	AnnotationEKSAPaused   = "anywhere.eks.amazonaws.com/paused"
	AnnotationManagedByCLI = "anywhere.eks.amazonaws.com/managed-by-cli"
	AnnotationFluxKey      = "kustomize.toolkit.fluxcd.io/reconcile"
	AnnotationCAPIPaused   = "cluster.x-k8s.io/paused"
	// LabelEtcdCluster marks external etcd Machines, which never get a NodeRef.
	LabelEtcdCluster = "cluster.x-k8s.io/etcd-cluster"
)

const capiGroup = "cluster.x-k8s.io"

type markerKind int

const (
	capiSpecPaused markerKind = iota
	capiPausedAnnotation
	eksaPaused
	managedByCLI
	fluxDisabled
)

// name is how the marker reads in messages: what to look for on the object.
func (k markerKind) name() string {
	switch k {
	case capiSpecPaused:
		return "spec.paused: true"
	case capiPausedAnnotation:
		return "annotation " + AnnotationCAPIPaused
	case eksaPaused:
		return "annotation " + AnnotationEKSAPaused + `: "true"`
	case managedByCLI:
		return "annotation " + AnnotationManagedByCLI + `: "true"`
	default:
		return "annotation " + AnnotationFluxKey + ": disabled"
	}
}

// marker is one pause marker on one object.
type marker struct {
	kind     markerKind
	obj      snapshot.Object
	location snapshot.Role
}

// onEKSA: set by eksctl on EKS-A's own objects, as opposed to CAPI's.
func (m marker) onEKSA() bool { return m.kind >= eksaPaused }

// blocking: the marker stops reconciliation (CAPI) or, from v0.19, the
// rerun's preflight (EKS-A paused), so it must be cleared before a rerun.
// managed-by-cli and the GitOps pause are undone by the rerun itself.
func (m marker) blocking(e era) bool {
	switch m.kind {
	case capiSpecPaused, capiPausedAnnotation:
		return true
	case eksaPaused:
		return e.eksaPauseBlocks()
	}
	return false
}

// cluster is the cluster the marked object belongs to, "" when unsaid.
func (m marker) cluster() string {
	if m.obj.ClusterName != "" {
		return m.obj.ClusterName
	}
	if m.obj.Kind == "Cluster" {
		return m.obj.Name
	}
	return ""
}

// findMarkers lists the markers on one cluster, on every cluster's objects:
// in the in-place era eksctl pauses the workload clusters, not the
// management cluster's own.
func findMarkers(cs *snapshot.ClusterState) []marker {
	var out []marker
	for _, o := range cs.Objects {
		if o.Kind == "Cluster" && o.Group == capiGroup && o.Paused {
			out = append(out, marker{capiSpecPaused, o, cs.Role})
		}
		if _, ok := o.Annotations[AnnotationCAPIPaused]; ok {
			out = append(out, marker{capiPausedAnnotation, o, cs.Role})
		}
	}
	for _, o := range cs.EKSA {
		if o.Annotations[AnnotationEKSAPaused] == "true" {
			out = append(out, marker{eksaPaused, o, cs.Role})
		}
		if o.Annotations[AnnotationManagedByCLI] == "true" {
			out = append(out, marker{managedByCLI, o, cs.Role})
		}
		if o.Annotations[AnnotationFluxKey] == "disabled" {
			out = append(out, marker{fluxDisabled, o, cs.Role})
		}
	}
	return out
}

// markerFinding explains one marker.
func markerFinding(m marker, e era) Finding {
	where := objectRef(m.obj)
	msg := fmt.Sprintf("%s on %s", m.kind.name(), where)
	if c := m.cluster(); c != "" {
		msg += fmt.Sprintf(" (cluster %s)", c)
	}
	msg += fmt.Sprintf(" on the %s cluster", m.location)
	sev := Info
	switch {
	case m.kind == eksaPaused && m.blocking(e) && !e.known:
		sev = Warning
		msg += ": EKS-A v0.19+ refuses to upgrade while it is set, and the version is unknown"
	case m.kind == eksaPaused && m.blocking(e):
		sev = Warning
		msg += ": from EKS-A v0.19 the upgrade's preflight refuses to run while it is set"
	case m.blocking(e):
		sev = Warning
		msg += ": Cluster API does not reconcile the cluster while it is set"
	default:
		msg += ": left by eksctl's pause; its rerun clears it"
	}
	return Finding{Severity: sev, Code: CodePauseMarker, Message: msg, Object: where, Location: string(m.location)}
}

// objectRef names an object as Kind/namespace/name.
func objectRef(o snapshot.Object) string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}
