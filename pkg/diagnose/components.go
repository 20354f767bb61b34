package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// The management components' version against the cluster's, by EKS-A's
// own rule (pkg/validations): they may run at most one minor version ahead
// of spec.eksaVersion, which is what `eksctl anywhere upgrade
// management-components` leaves on purpose (v0.19+ writes the annotation).
// Behind, or further ahead, is a cut-off upgrade.
const (
	CodeManagementComponentsBehind = "ManagementComponentsBehind"
	CodeManagementComponentsAhead  = "ManagementComponentsAhead"
)

// componentsBehind: a cut-off components upgrade blocks; components one
// minor version ahead are a note.
func componentsBehind(f *facts) []hit {
	have, want, ok := f.componentsVersions()
	if !ok || have.version == want.version {
		return nil
	}
	c, _ := f.eksaCluster()
	ref := objectRef(c)
	if componentsAheadAllowed(have, want) {
		return []hit{{findings: []Finding{{Severity: Info, Code: CodeManagementComponentsAhead, Object: ref, Location: string(snapshot.Management),
			Message: fmt.Sprintf("the management components run %s, ahead of the cluster's %s: EKS-A allows one minor version ahead, "+
				"as `eksctl anywhere upgrade management-components` leaves them; upgrade the cluster when ready", have.version, want.version)}}}}
	}
	h := hit{clause: "management components on " + have.version + ", not " + f.era.version, objects: []string{ref},
		findings: []Finding{{Severity: Error, Code: CodeManagementComponentsBehind, Object: ref, Location: string(snapshot.Management),
			Message: fmt.Sprintf("annotation %s is %s but spec.eksaVersion is %s: an upgrade of the management components was cut off",
				eksa.AnnotationManagementComponentsVersion, have.version, f.era.version)}}}
	if f.era.atLeast(19) {
		h.steps = []Step{{Command: "eksctl anywhere upgrade management-components -f " + quote(f.clusterSpec()) + " -v9",
			Why: fmt.Sprintf("the management components run %s but the cluster asks for %s: finish their upgrade before the cluster's", have.version, f.era.version)}}
	}
	return []hit{h}
}

// componentsAheadAllowed: the components run a newer release, at most one
// minor version ahead of the cluster's.
func componentsAheadAllowed(have, want era) bool {
	return have.newer(want) && have.major == want.major && have.minor-want.minor <= 1
}

func (f *facts) componentsVersions() (have, want era, ok bool) {
	c, found := f.eksaCluster()
	if !found {
		return era{}, era{}, false
	}
	have, okHave := parseEra(c.Annotations[eksa.AnnotationManagementComponentsVersion])
	want, okWant := parseEra(c.Fields["eksaVersion"])
	return have, want, okHave && okWant
}
