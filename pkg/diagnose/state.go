package diagnose

import (
	"fmt"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// Diagnose decides the state of in.ClusterName from what was read, lists
// what it saw and the exact commands to run next. It reads nothing but in:
// the same input always gives the same report, sorted.
func Diagnose(in Input) Report {
	f := gather(in)
	v := decide(f)
	r := Report{
		Cluster:           in.ClusterName,
		State:             v.state,
		Reasons:           v.reasons,
		EKSAVersion:       f.era.version,
		EKSAVersionSource: f.eraSource,
		Provider:          providerReport(f),
		Clusters:          clusterReports(f),
		Objects:           objectLists(f),
		Machines:          machineReports(f),
		Nodes:             nodeReports(f),
		Checkpoint:        checkpointReport(f.ws.Checkpoint),
		Backups:           backupReports(f.ws.Backups, in.Now),
		Tree:              buildTree(f),
		VCenter:           vcenterReport(f),
	}
	r.Findings = append([]Finding{}, findings(f, v)...) // [] rather than null in JSON
	r.NextSteps = append([]Step{}, nextSteps(f, v)...)
	r.Summary = summary(f, v)
	return r
}

// facts is the input reduced to what the rules read: the cluster's own
// objects per side, the era and the pause markers. It is computed once.
type facts struct {
	in         Input
	name       string
	ws         workspace.Workspace
	mgmt, boot *snapshot.ClusterState
	era        era
	eraSource  string
	eraNotes   []string
	// The cluster's own CAPI objects and Machines, per side.
	mgmtObjs, bootObjs         []snapshot.Object
	mgmtMachines, bootMachines []snapshot.Machine
	markers                    []pause.Marker // both sides
	// dangling are the references of the cluster's objects that do not
	// resolve on their own side (references.go).
	dangling []objgraph.Dangling
	// machineObjs are the Machines among each side's objects, by name:
	// built on first use (machineObject), once the objects are final.
	machineObjs map[snapshot.Role]map[string]snapshot.Object
	// familyHits and signals are computed on first use (hits, redSignals).
	familyHits []familyHits
	signals    []signal
}

func gather(in Input) *facts {
	f := &facts{in: in, name: in.ClusterName}
	if in.Workspace != nil {
		f.ws = *in.Workspace
	}
	snap := in.Snapshot
	if snap == nil {
		snap = &snapshot.Snapshot{}
	}
	// Copies, so that naming the sides (a zero ClusterState has no Role)
	// never writes to the caller's snapshot.
	mgmt, boot := snap.Management, snap.Bootstrap
	mgmt.Role, boot.Role = snapshot.Management, snapshot.Bootstrap
	f.mgmt, f.boot = &mgmt, &boot
	f.era, f.eraSource, f.eraNotes = eksaVersion(in, f.mgmt)
	f.mgmtObjs, f.mgmtMachines = ownObjects(f.mgmt, f.name)
	f.bootObjs, f.bootMachines = ownObjects(f.boot, f.name)
	f.followReferences()
	f.markers = append(pause.Find(f.mgmt), pause.Find(f.boot)...)
	return f
}

// ownObjects keeps a side's objects and Machines of one cluster: the CAPI
// objects and the Secrets and ConfigMaps the membership rule gives the
// cluster (snapshot.Object.ClusterName), what a move or a backup of the
// side carries. Objects of a side that could not be read count as none.
func ownObjects(cs *snapshot.ClusterState, name string) ([]snapshot.Object, []snapshot.Machine) {
	if !readable(cs) {
		return nil, nil
	}
	var objs []snapshot.Object
	for _, o := range append(cs.Objects[:len(cs.Objects):len(cs.Objects)], cs.Core...) {
		if o.ClusterName == name {
			objs = append(objs, o)
		}
	}
	var ms []snapshot.Machine
	for _, m := range cs.Machines {
		if m.ClusterName == name {
			ms = append(ms, m)
		}
	}
	return objs, ms
}

// readable: what the side holds is known, so "none" means none.
func readable(cs *snapshot.ClusterState) bool {
	return cs.Configured && cs.Reachable && !cs.Forbidden
}

// hasCluster: the side holds the cluster's CAPI Cluster object.
func hasCluster(objs []snapshot.Object, name string) bool {
	for _, o := range objs {
		if o.Kind == "Cluster" && o.Group == eksa.GroupCAPI && o.Name == name {
			return true
		}
	}
	return false
}

// verdict is the state and what the rules learned on the way to it.
type verdict struct {
	state   State
	reasons []string
	// unknownBoot: KinD is configured but could not be read; the rules
	// carried on with management alone.
	unknownBoot bool
	// blocking/mid record why a management-side state was chosen.
	blocking, mid bool
	// cause says which rule made the state Unknown, for its next step.
	cause unknownCause
}

type unknownCause int

const (
	causeNone unknownCause = iota
	causeNoSnapshot
	causeNoName
	causeNoManagement
	causeManagementForbidden
	causeBootstrapForbidden
	causePartial
	causeUnresolvedKinD
	causeUnread
)

// decide applies the states in order; the first that matches wins.
func decide(f *facts) verdict {
	if f.in.Snapshot == nil {
		return verdict{state: Unknown, cause: causeNoSnapshot, reasons: []string{"no snapshot of the clusters was taken"}}
	}
	if f.name == "" {
		return verdict{state: Unknown, cause: causeNoName, reasons: []string{"no cluster name was given: pass --cluster-name"}}
	}
	m, b := f.mgmt, f.boot
	switch {
	case !m.Configured:
		return verdict{state: Unknown, cause: causeNoManagement, reasons: []string{fmt.Sprintf(
			"no management kubeconfig found in the workspace (eksctl writes %s): pass --kubeconfig",
			f.layout().ManagementKubeconfig())}}
	case m.Forbidden:
		return verdict{state: Unknown, cause: causeManagementForbidden, reasons: []string{"the management cluster refused a read: " + orUnknown(m.Error)}}
	case !m.Reachable:
		return verdict{state: ManagementUnreachable}
	}

	v := verdict{}
	if b.Configured && !readable(b) {
		// Without KinD's contents, only management's own Cluster proves the
		// objects are (at least partly) home; otherwise they may be in KinD.
		switch {
		case b.Forbidden && !hasCluster(f.mgmtObjs, f.name):
			return verdict{state: Unknown, cause: causeBootstrapForbidden, reasons: []string{
				"the KinD bootstrap cluster refused a read: " + orUnknown(b.Error) +
					fmt.Sprintf("; the management cluster does not hold Cluster %s, so its objects may be in KinD", f.name)}}
		case !b.Forbidden && len(f.mgmtObjs) == 0:
			return verdict{state: BootstrapUnreachable}
		}
		v.unknownBoot = true
	}

	mgmtN, bootN := len(f.mgmtObjs), len(f.bootObjs)
	switch {
	case bootN > 0 && mgmtN > 0:
		v.state = SplitMove
		return v
	case bootN > 0:
		v.state = StrandedInBootstrap
		return v
	case mgmtN == 0:
		v.state = Missing
		return v
	case !hasCluster(f.mgmtObjs, f.name):
		v.state, v.cause = Unknown, causePartial
		v.reasons = []string{fmt.Sprintf("the management cluster holds %d of %s's Cluster API objects but not its Cluster, and KinD holds none",
			mgmtN, f.name)}
		return v
	}

	if f.referenceVerdict(&v) {
		return v
	}
	v.blocking = f.blockingMarkers()
	v.mid = f.midUpgrade()
	// What stops any write or rerun comes first (it would stop resume
	// too); a stuck rollout only once nothing is paused, since a paused
	// cluster is not expected to converge.
	switch {
	case len(f.familyClauses(UpgradeBlocked)) > 0:
		v.state = UpgradeBlocked
	case f.validationFailed():
		v.state = ValidationFailed
	case v.blocking || (len(f.leftMarkers()) > 0 && !v.mid):
		v.state = PausedAfterFailure
	case len(f.leftMarkers()) == 0 && len(f.familyClauses(RolloutStuck)) > 0:
		v.state = RolloutStuck
	case v.mid:
		v.state = UpgradeIncomplete
	// Healthy is earned: a known cause that is not a blocker, or any red
	// signal, is NotReady; a read refused leaves the verdict open.
	case len(f.familyClauses(NotReady)) > 0 || len(f.redSignals()) > 0:
		v.state = NotReady
	case len(f.mgmt.Unread) > 0:
		v.state, v.cause = Unknown, causeUnread
		for _, u := range f.mgmt.Unread {
			v.reasons = append(v.reasons, unreadText(u))
		}
	default:
		v.state = Healthy
	}
	return v
}

func (f *facts) layout() eksa.Layout { return eksa.Layout{Workspace: f.ws.Dir, Cluster: f.name} }

func orUnknown(s string) string {
	if s == "" {
		return "no error was recorded"
	}
	return s
}
