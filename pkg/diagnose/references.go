package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// References between the cluster's objects across both clusters. An
// object EKS-A applied before any controller set its owner reference
// belongs to the cluster only through the references that name it (the
// Cluster's controlPlaneRef, ...); a move that followed owner references
// alone left such objects in KinD while the Cluster naming them went to
// management. Membership (objgraph.Across) follows a reference to the other
// cluster when its own lacks the object, so what was left behind counts
// as the cluster's, in KinD: the state is SplitMove, never Healthy. A
// reference that resolves on neither cluster makes the cluster
// PartlyMissing.

// CodeUnresolvedReference: a reference of one of the cluster's objects
// names an object its own cluster does not hold.
const CodeUnresolvedReference = "UnresolvedReference"

// sideRoles orders the sides as objgraph.Across takes them.
var sideRoles = []snapshot.Role{snapshot.Management, snapshot.Bootstrap}

// followReferences adds to each side's objects of the cluster those that
// only a reference from the other side makes the cluster's, and records
// the references that do not resolve on their own side.
func (f *facts) followReferences() {
	sides := make([]objgraph.Side, len(sideRoles))
	states := []*snapshot.ClusterState{f.mgmt, f.boot}
	for i, cs := range states {
		if readable(cs) {
			sides[i] = objgraph.Side{Nodes: cs.Graph, Kinds: cs.Kinds, OneCluster: sideRoles[i] == snapshot.Bootstrap}
		}
	}
	members, dangling := objgraph.AcrossResolved(sides, f.name)
	f.mgmtObjs, f.mgmtMachines = addReferenced(f.mgmt, members[0], f.mgmtObjs, f.mgmtMachines)
	f.bootObjs, f.bootMachines = addReferenced(f.boot, members[1], f.bootObjs, f.bootMachines)
	f.dangling = dangling
}

// addReferenced appends the side's objects and Machines of no cluster
// (per side, snapshot.Object.ClusterName) that members gives the cluster.
func addReferenced(cs *snapshot.ClusterState, members map[objgraph.Key]bool, objs []snapshot.Object, ms []snapshot.Machine) ([]snapshot.Object, []snapshot.Machine) {
	if !readable(cs) {
		return objs, ms
	}
	for _, o := range append(cs.Objects[:len(cs.Objects):len(cs.Objects)], cs.Core...) {
		if o.ClusterName == "" && members[objgraph.Key{Group: o.Group, Kind: o.Kind, Name: o.Name}] {
			objs = append(objs, o)
		}
	}
	for _, m := range cs.Machines {
		if m.ClusterName == "" && members[objgraph.Key{Group: "cluster.x-k8s.io", Kind: "Machine", Name: m.Name}] {
			ms = append(ms, m)
		}
	}
	return objs, ms
}

// nowhere lists the references that resolve on neither cluster.
func (f *facts) nowhere() []objgraph.Dangling {
	var out []objgraph.Dangling
	for _, d := range f.dangling {
		if d.Elsewhere < 0 {
			out = append(out, d)
		}
	}
	return out
}

// referenceVerdict decides, once every object of the cluster is on
// management, what a reference to an object neither cluster holds means:
// with KinD unreadable the object may be there (Unknown, KinD untouched);
// otherwise it is lost (PartlyMissing: a backup restores it). It returns
// false when no reference dangles.
func (f *facts) referenceVerdict(v *verdict) bool {
	lost := f.nowhere()
	if len(lost) == 0 {
		return false
	}
	if v.unknownBoot {
		v.state, v.cause = Unknown, causeUnresolvedKinD
		v.reasons = []string{fmt.Sprintf("%s, which the management cluster does not hold, and the KinD bootstrap cluster could not be read (%s): it may be there",
			danglingText(lost), orUnknown(f.boot.Error))}
		return true
	}
	if u := f.firstUnread(); u != nil {
		// A refused read (Secrets, say) may be all that hides the object
		// named: unresolved is not lost, and restore would be advice for
		// a loss nobody saw.
		v.state, v.cause = Unknown, causeUnread
		v.reasons = []string{fmt.Sprintf("%s, which no cluster showed, and a read was refused (%s): it may be there", danglingText(lost), unreadText(*u))}
		return true
	}
	v.state = PartlyMissing
	return true
}

// firstUnread is the first read refused or failed on either cluster; nil
// when every read was made.
func (f *facts) firstUnread() *snapshot.Unread {
	for _, cs := range []*snapshot.ClusterState{f.mgmt, f.boot} {
		if len(cs.Unread) > 0 {
			return &cs.Unread[0]
		}
	}
	return nil
}

// danglingText names the first references and counts the rest.
func danglingText(ds []objgraph.Dangling) string {
	var parts []string
	for i, d := range ds {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ds)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s's %s names %s", d.From, d.Ref.Field, d.Ref.To))
	}
	return strings.Join(parts, "; ")
}

// referenceFindings: one error per reference that does not resolve on the
// cluster holding its object, saying where the object named is.
func referenceFindings(f *facts) []Finding {
	var out []Finding
	for _, d := range f.dangling {
		here := sideRoles[d.Side]
		where := "neither cluster holds it"
		if d.Side == 0 && f.boot.Configured && !readable(f.boot) {
			where = "the KinD bootstrap cluster could not be read, and may hold it"
		}
		if f.firstUnread() != nil {
			where = "no cluster showed it, and a read was refused (ReadRefused): it may be there"
		}
		if d.Elsewhere >= 0 {
			where = "it is only on the " + sideName(sideRoles[d.Elsewhere])
		}
		out = append(out, Finding{Severity: Error, Code: CodeUnresolvedReference, Object: d.From.String(), Location: string(here),
			Message: fmt.Sprintf("%s on the %s: %s names %s, which the %s does not hold: %s",
				d.From, sideName(here), d.Ref.Field, d.Ref.To, sideName(here), where)})
	}
	return out
}

func sideName(r snapshot.Role) string {
	if r == snapshot.Bootstrap {
		return "KinD bootstrap cluster"
	}
	return "management cluster"
}

// partlyMissingSteps: restore what is lost from a backup (restore skips
// what is already there), then verify.
func (f *facts) partlyMissingSteps(p string) []Step {
	lost := f.nowhere()
	restore := f.restoreStep(p)
	restore.Why = fmt.Sprintf("%d of the objects %s's objects reference are in neither cluster (%s). "+
		"restore creates what the backup holds and the management cluster lacks, and skips what is there; "+
		"check first with --dry-run that the backup holds them", len(lost), f.name, danglingText(lost))
	return []Step{restore,
		{Command: p + " verify", Why: "confirm every reference of the cluster's objects resolves on the management cluster"},
		{Command: p + " status", Why: "check the result"}}
}

func partlyMissingSummary(f *facts) string {
	return fmt.Sprintf("%s's Cluster API objects are on the management cluster, but %s of the objects they reference %s in neither cluster",
		f.name, text.Plural(len(f.nowhere()), "reference"), map[bool]string{true: "is", false: "are"}[len(f.nowhere()) == 1])
}

// unresolvedKinDSteps: an object the cluster references may be in a KinD
// that could not be read; bring KinD back (or get read access), never
// delete it.
func (f *facts) unresolvedKinDSteps(p string) []Step {
	rerun := Step{Command: p + " status", Why: "diagnose again once KinD can be read"}
	if f.boot.Forbidden {
		return []Step{{Command: f.kindKubectl() + " auth can-i --list -n eksa-system",
			Why: "see what these credentials may read on KinD, which may hold objects the cluster references"}, rerun}
	}
	return []Step{{Command: "docker start " + eksa.KindNodeContainer(f.name),
		Why: "the KinD bootstrap cluster did not answer and may hold objects the cluster references: start its node container. " +
			"Never delete that container or rerun eksctl with --force-cleanup: they would be lost for good"}, rerun}
}
