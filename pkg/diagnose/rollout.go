package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Finding codes of a rollout (KubeadmControlPlane, MachineDeployment).
const (
	CodeRolloutStuck      = "RolloutStuck"
	CodeRolloutInProgress = "RolloutInProgress"
)

// rollout is one KubeadmControlPlane's or MachineDeployment's convergence,
// in either contract: v1beta1 counts updatedReplicas, v1beta2
// upToDateReplicas (and keeps updatedReplicas under deprecated.v1beta1).
type rollout struct {
	obj                               snapshot.Object
	desired, current, upToDate, ready int64
	converged                         bool
	since                             time.Time // the last change its conditions show
}

// isRolloutKind: the objects whose replicas a rolling upgrade converges.
func isRolloutKind(o snapshot.Object) bool {
	return (o.Group == eksa.GroupControlPlane && o.Kind == "KubeadmControlPlane") ||
		(o.Group == eksa.GroupCAPI && o.Kind == "MachineDeployment")
}

// rollouts are the cluster's rollouts on management that report a status:
// a moved object reports none until its controller runs, and says nothing.
func (f *facts) rollouts() []rollout {
	var out []rollout
	for _, o := range f.mgmtObjs {
		if !isRolloutKind(o) {
			continue
		}
		desired, hasDesired := o.Counts["spec.replicas"]
		current, hasCurrent := o.Counts["replicas"]
		if !hasDesired || !hasCurrent {
			continue
		}
		r := rollout{obj: o, desired: desired, current: current, since: lastChange(o.Conditions)}
		var ok bool
		if r.upToDate, ok = o.Counts["upToDateReplicas"]; !ok {
			if r.upToDate, ok = o.Counts["updatedReplicas"]; !ok {
				r.upToDate = current
			}
		}
		r.ready, ok = o.Counts["readyReplicas"]
		if !ok {
			r.ready = current
		}
		r.converged = current == desired && r.upToDate == desired && r.ready == desired
		out = append(out, r)
	}
	return out
}

func (r rollout) countsText() string {
	return strings.Join([]string{countText(r.desired, "desired"), countText(r.current, "current"),
		countText(r.upToDate, "up to date"), countText(r.ready, "ready")}, ", ")
}

// rolloutsStuck: a hit per rollout not converged and unchanged for longer
// than stuckAfter; a note per rollout still within its time.
func rolloutsStuck(f *facts) []hit {
	var out []hit
	for _, r := range f.rollouts() {
		if r.converged {
			continue
		}
		ref := objectRef(r.obj)
		fd := Finding{Severity: Warning, Code: CodeRolloutInProgress, Object: ref, Location: string(snapshot.Management),
			Evidence: evidenceOf(f.in.Now, r.obj.Conditions, r.obj.Counts)}
		fd.Message = fmt.Sprintf("%s %s is rolling out: %s", r.obj.Kind, r.obj.Name, r.countsText())
		stuck := stuckFor(f.in.Now, r.since)
		if stuck {
			fd.Severity, fd.Code = Error, CodeRolloutStuck
			fd.Message = fmt.Sprintf("%s %s has not converged, no change for %s: %s", r.obj.Kind, r.obj.Name,
				ageText(f.in.Now, r.since), r.countsText())
		}
		if c := conditionText(f.in.Now, r.obj.Conditions); c != "" {
			fd.Message += "; " + c
		}
		h := hit{findings: []Finding{fd}}
		if stuck {
			h.clause = fmt.Sprintf("%s %s at %s for %s", r.obj.Kind, r.obj.Name, r.countsText(), ageText(f.in.Now, r.since))
			h.objects = []string{ref}
			h.steps = []Step{{Command: fmt.Sprintf("%s -n %s describe %s %s", f.kubectl(), eksa.Namespace, resourceName(r.obj.Kind), r.obj.Name),
				Why: fmt.Sprintf("%s %s has not converged (%s): its conditions and events name the Machine it waits for", r.obj.Kind, r.obj.Name, r.countsText())}}
		}
		out = append(out, h)
	}
	return out
}

func resourceName(kind string) string {
	switch kind {
	case "KubeadmControlPlane":
		return "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
	case "MachineDeployment":
		return "machinedeployments.cluster.x-k8s.io"
	}
	return strings.ToLower(kind)
}
