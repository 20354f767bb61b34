package pause

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Kind is one of the pause markers a failed upgrade can leave set.
type Kind int

// The markers, CAPI's first.
const (
	SpecPaused     Kind = iota // spec.paused: true on a CAPI Cluster
	CAPIAnnotation             // cluster.x-k8s.io/paused on any CAPI object
	EKSAPaused                 // anywhere.eks.amazonaws.com/paused: "true"
	ManagedByCLI               // anywhere.eks.amazonaws.com/managed-by-cli: "true"
	FluxDisabled               // kustomize.toolkit.fluxcd.io/reconcile: disabled
)

// MarkerSpecPaused is how a CAPI Cluster's spec.paused reads in a plan.
const MarkerSpecPaused = "spec.paused"

// Annotation is the annotation key the marker is; "" for spec.paused.
func (k Kind) Annotation() string {
	switch k {
	case CAPIAnnotation:
		return eksa.AnnotationCAPIPaused
	case EKSAPaused:
		return eksa.AnnotationEKSAPaused
	case ManagedByCLI:
		return eksa.AnnotationManagedByCLI
	case FluxDisabled:
		return eksa.AnnotationFluxReconcile
	}
	return ""
}

// Name is how the marker reads in a finding: what to look for on the object.
func (k Kind) Name() string {
	switch k {
	case SpecPaused:
		return "spec.paused: true"
	case CAPIAnnotation:
		return "annotation " + eksa.AnnotationCAPIPaused
	case FluxDisabled:
		return "annotation " + eksa.AnnotationFluxReconcile + ": disabled"
	}
	return "annotation " + k.Annotation() + `: "true"`
}

// OnEKSA: eksctl sets it on EKS-A's own objects, as opposed to CAPI's.
func (k Kind) OnEKSA() bool { return k >= EKSAPaused }

// Marker is one pause marker on one object of one side.
type Marker struct {
	Kind   Kind
	Object snapshot.Object
	Side   snapshot.Role
}

// Cluster is the cluster the marked object belongs to, "" when unsaid.
func (m Marker) Cluster() string {
	if m.Object.ClusterName != "" {
		return m.Object.ClusterName
	}
	if m.Object.Kind == "Cluster" {
		return m.Object.Name
	}
	return ""
}

// Find lists the markers on one side, on every cluster's objects: in the
// in-place era eksctl pauses the workload clusters, not the management
// cluster's own. This is the one place markers are detected.
func Find(cs *snapshot.ClusterState) []Marker {
	var out []Marker
	for _, o := range cs.Objects {
		if o.Kind == "Cluster" && o.Group == eksa.GroupCAPI && o.Paused {
			out = append(out, Marker{SpecPaused, o, cs.Role})
		}
		if _, ok := o.Annotations[eksa.AnnotationCAPIPaused]; ok {
			out = append(out, Marker{CAPIAnnotation, o, cs.Role})
		}
	}
	for _, o := range cs.EKSA {
		if o.Annotations[eksa.AnnotationEKSAPaused] == "true" {
			out = append(out, Marker{EKSAPaused, o, cs.Role})
		}
		if o.Annotations[eksa.AnnotationManagedByCLI] == "true" {
			out = append(out, Marker{ManagedByCLI, o, cs.Role})
		}
		if o.Annotations[eksa.AnnotationFluxReconcile] == "disabled" {
			out = append(out, Marker{FluxDisabled, o, cs.Role})
		}
	}
	return out
}
