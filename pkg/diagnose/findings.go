package diagnose

import (
	"fmt"
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// Finding codes: stable, for scripts.
const (
	CodeMachineNotRunning  = "MachineNotRunning"
	CodeMachineWithoutNode = "MachineWithoutNode"
	CodeNodeNotReady       = "NodeNotReady"
	CodeVersionSkew        = "VersionSkew"
	CodePauseMarker        = "PauseMarker"
	CodeFailedTask         = "FailedTask"
	CodeBackupFound        = "BackupFound"
	CodeKindLeftBehind     = "KindLeftBehind"
	CodeBootstrapDown      = "BootstrapDown"
	CodeVersionUnknown     = "VersionUnknown"
)

// findings lists every observation, sorted: most severe first, then by code,
// object, location and message, so that equal inputs print equal reports.
func findings(f *facts, v verdict) []Finding {
	var out []Finding
	out = append(out, machineFindings(f, snapshot.Management, f.mgmtMachines)...)
	out = append(out, machineFindings(f, snapshot.Bootstrap, f.bootMachines)...)
	for _, n := range f.mgmt.Nodes {
		if !n.Ready {
			out = append(out, Finding{Severity: Warning, Code: CodeNodeNotReady, Object: "Node/" + n.Name,
				Location: string(snapshot.Management),
				Message:  nodeNotReadyText(f, n)})
		}
	}
	if fd, ok := skewFinding(f); ok {
		out = append(out, fd)
	}
	for _, m := range f.markers {
		if why := f.ownPause(m); why != "" {
			out = append(out, ownPauseFinding(m, why))
			continue
		}
		out = append(out, markerFinding(m, f.era))
	}
	if cp := f.ws.Checkpoint; cp != nil {
		out = append(out, checkpointFinding(cp.Completed, cp.FailedAt))
	}
	for _, b := range backupReports(f.ws.Backups, f.in.Now) {
		out = append(out, Finding{Severity: Info, Code: CodeBackupFound,
			Message: fmt.Sprintf("backup %s (written by %s), %s old, %d objects", b.Path, b.Source, b.Age, b.Objects)})
	}
	if f.kindLeftBehind(v) {
		out = append(out, Finding{Severity: Info, Code: CodeKindLeftBehind, Location: string(snapshot.Bootstrap),
			Message: fmt.Sprintf("the KinD bootstrap cluster %s is still running and holds no Cluster API objects: it is safe to delete",
				eksa.KindClusterName(f.name))})
	}
	if v.unknownBoot {
		out = append(out, Finding{Severity: Warning, Code: CodeBootstrapDown, Location: string(snapshot.Bootstrap),
			Message: fmt.Sprintf("the KinD bootstrap cluster could not be read (%s); carrying on with the management cluster, "+
				"which holds %d of %s's objects. Do not delete KinD (container %s): part of the objects may still be in it",
				orUnknown(f.boot.Error), len(f.mgmtObjs), f.name, eksa.KindNodeContainer(f.name))})
	}
	if !f.era.known {
		msg := "the EKS-A version could not be read from the management cluster (EKS-A Cluster spec, Bundles, controller image): " +
			"next steps take the safe side and never use --force-cleanup; pass --eksa-version (as `eksctl anywhere version` prints it, e.g. v0.16.5)"
		if len(f.eraNotes) > 0 {
			msg = strings.Join(f.eraNotes, "; ") + "; " + msg
		}
		out = append(out, Finding{Severity: Warning, Code: CodeVersionUnknown, Message: msg})
	}
	out = append(out, vcenterFindings(f)...)
	out = append(out, referenceFindings(f)...)
	out = append(out, f.familyFindings()...)
	named := map[string]bool{}
	for _, fd := range out {
		named[fd.Object] = true
	}
	out = append(out, signalFindings(f, named)...)
	sortFindings(out)
	return out
}

// machineFindings flags Machines that are not, or not yet, what a finished
// upgrade leaves: Running with a Node.
func machineFindings(f *facts, side snapshot.Role, ms []snapshot.Machine) []Finding {
	var out []Finding
	for _, m := range ms {
		obj := f.machineObject(side, m.Name)
		ref := objectRef(obj)
		switch {
		case m.Phase == "":
			out = append(out, Finding{Severity: Info, Code: CodeMachineNotRunning, Object: ref, Location: string(side),
				Message: fmt.Sprintf("Machine %s has no phase: the controllers have not reported its status yet (a move does not carry status)", m.Name)})
		case m.Phase == "Failed":
			out = append(out, Finding{Severity: Error, Code: CodeMachineNotRunning, Object: ref, Location: string(side),
				Message: fmt.Sprintf("Machine %s is Failed", m.Name)})
		case m.Phase != "Running":
			out = append(out, Finding{Severity: Warning, Code: CodeMachineNotRunning, Object: ref, Location: string(side),
				Message: fmt.Sprintf("Machine %s is %s, not Running", m.Name, m.Phase)})
		case m.NodeName == "" && !isEtcd(m, obj):
			// External etcd Machines never get a NodeRef: not a finding.
			out = append(out, Finding{Severity: Warning, Code: CodeMachineWithoutNode, Object: ref, Location: string(side),
				Message: fmt.Sprintf("Machine %s is Running but has no Node", m.Name)})
		}
	}
	return out
}

// machineObject is the Machine's object on a side, for its namespace and
// labels; a Machine without one is assumed in eksa-system.
func (f *facts) machineObject(side snapshot.Role, name string) snapshot.Object {
	if f.machineObjs == nil {
		// An index, not a scan of the side's objects per Machine: that is
		// quadratic (5,000 Machines among 26,000 objects at scale).
		f.machineObjs = map[snapshot.Role]map[string]snapshot.Object{}
		for role, objs := range map[snapshot.Role][]snapshot.Object{snapshot.Management: f.mgmtObjs, snapshot.Bootstrap: f.bootObjs} {
			byName := map[string]snapshot.Object{}
			for _, o := range objs {
				if _, seen := byName[o.Name]; o.Kind == "Machine" && !seen { // the first, as the scan found
					byName[o.Name] = o
				}
			}
			f.machineObjs[role] = byName
		}
	}
	if o, ok := f.machineObjs[side][name]; ok {
		return o
	}
	return snapshot.Object{Kind: "Machine", Namespace: eksa.Namespace, Name: name}
}

func isEtcd(m snapshot.Machine, obj snapshot.Object) bool {
	_, labelled := obj.Labels[eksa.LabelEtcdCluster]
	return m.Role == snapshot.RoleEtcd || labelled
}

// machineVersions lists the distinct versions of control-plane and worker
// Machines; etcd Machines carry none.
func machineVersions(ms []snapshot.Machine) (cp, workers []string) {
	cps, ws := map[string]bool{}, map[string]bool{}
	for _, m := range ms {
		switch {
		case m.Version == "":
		case m.Role == snapshot.RoleControlPlane:
			cps[m.Version] = true
		case m.Role == snapshot.RoleWorker:
			ws[m.Version] = true
		}
	}
	return sortedKeys(cps), sortedKeys(ws)
}

// versionSkew lists the versions Machines run when there is more than one.
func versionSkew(ms []snapshot.Machine) []string {
	cp, workers := machineVersions(ms)
	all := map[string]bool{}
	for _, v := range append(cp, workers...) {
		all[v] = true
	}
	if len(all) < 2 {
		return nil
	}
	return sortedKeys(all)
}

func skewFinding(f *facts) (Finding, bool) {
	ms := append(append([]snapshot.Machine(nil), f.mgmtMachines...), f.bootMachines...)
	if versionSkew(ms) == nil {
		return Finding{}, false
	}
	cp, workers := machineVersions(ms)
	var msg string
	if len(cp) == 1 && len(workers) == 1 {
		msg = fmt.Sprintf("the control plane runs %s, the workers %s: what a cut-off rolling upgrade leaves, "+
			"the control plane was upgraded, the workers were not yet", cp[0], workers[0])
	} else {
		msg = fmt.Sprintf("Machines run several versions (control plane: %s; workers: %s): a rolling upgrade was cut off midway",
			listOrNone(cp), listOrNone(workers))
	}
	obj := snapshot.Object{Kind: "Cluster", Namespace: eksa.Namespace, Name: f.name}
	for _, o := range append(append([]snapshot.Object(nil), f.mgmtObjs...), f.bootObjs...) {
		if o.Kind == "Cluster" && o.Group == eksa.GroupCAPI {
			obj = o
			break
		}
	}
	return Finding{Severity: Warning, Code: CodeVersionSkew, Object: objectRef(obj), Message: msg}, true
}

func checkpointFinding(completed []string, failed string) Finding {
	done := "no task"
	if len(completed) > 0 {
		done = fmt.Sprintf("%s (%s)", text.Plural(len(completed), "task"), strings.Join(completed, ", "))
	}
	switch taskPhase(failed) {
	case "validation":
		return Finding{Severity: Warning, Code: CodeFailedTask, Message: fmt.Sprintf(
			"eksctl completed %s and failed at %s, in the validation phase: nothing was moved to KinD", done, failed)}
	case "upgrade":
		return Finding{Severity: Warning, Code: CodeFailedTask, Message: fmt.Sprintf(
			"eksctl completed %s and failed at %s, in the upgrade phase: the objects had been moved to KinD (at %s)",
			done, failed, eksa.FirstUpgradePhaseTask)}
	case "":
		if failed == "" {
			return Finding{Severity: Info, Code: CodeFailedTask,
				Message: fmt.Sprintf("eksctl's checkpoint records %s completed and no failed task", done)}
		}
	}
	return Finding{Severity: Warning, Code: CodeFailedTask, Message: fmt.Sprintf(
		"eksctl completed %s and failed at %s, a task this plugin does not know the phase of", done, failed)}
}

var severityRank = map[Severity]int{Error: 0, Warning: 1, Info: 2}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		return a.Message < b.Message
	})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// nodeNotReadyText says why a Node is not Ready in the kubelet's words.
func nodeNotReadyText(f *facts, n snapshot.Node) string {
	msg := fmt.Sprintf("Node %s (kubelet %s) is not Ready", n.Name, n.KubeletVersion)
	if c := n.ReadyCondition; c.Type != "" {
		msg += ": " + conditionText(f.in.Now, []snapshot.Condition{c})
	}
	return msg
}
