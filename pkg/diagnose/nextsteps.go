package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/pause"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// defaultPlugin is used when the caller did not say how it was invoked.
const defaultPlugin = "kubectl eksa-recover"

// nextSteps gives the exact commands for the state, in order. The one rule
// above all: while any of the cluster's objects may be in KinD, nothing here
// deletes KinD (no eksctl rerun, no --force-cleanup, no kind delete).
func nextSteps(f *facts, v verdict) []Step {
	p := f.plugin()
	status := Step{Command: p + " status", Why: "check the result"}
	switch v.state {
	case Unknown:
		return f.unknownSteps(v, p)
	case ManagementUnreachable:
		var steps []Step
		check := "check that its control-plane VMs are powered on and reachable over the network"
		if vms := f.vmsDown(true); len(vms) > 0 {
			step := f.powerOnStep(vms, "the management API server needs")
			step.Why += ". The API server answers once they have booted; nothing is moved while it is down"
			steps = append(steps, step)
		} else if f.in.VCenter.answered() {
			check = "vCenter shows its VMs running, so check that they are reachable over the network and the API server runs"
		}
		return append(steps, Step{
			Command: f.kubectl() + " get --raw /readyz",
			Why: fmt.Sprintf("the management API server %sdid not answer (%s): %s, then confirm it answers; nothing is moved while it is down",
				withSpace(f.mgmt.Server), orUnknown(f.mgmt.Error), check),
		}, Step{Command: p + " status", Why: "diagnose again once the management cluster answers"})
	case BootstrapUnreachable:
		return []Step{{
			Command: "docker start " + eksa.KindNodeContainer(f.name),
			Why: fmt.Sprintf("the KinD bootstrap cluster did not answer (%s) and the management cluster holds none of %s's objects: "+
				"they are most likely stranded in KinD. Start its node container. Never delete that container, "+
				"run `kind delete cluster` or rerun eksctl with --force-cleanup: it holds the stranded objects, and they would be lost for good",
				orUnknown(f.boot.Error), f.name),
		}, {Command: p + " status", Why: "diagnose again once KinD answers"}}
	case SplitMove:
		return []Step{{
			Command: p + " move",
			Why: fmt.Sprintf("a move was cut off: %d of %s's objects are on the management cluster, %d still in KinD. "+
				"move backs them up first, then converges: it creates what is missing on management and removes what is left in KinD. "+
				"Do not rerun eksctl and never use --force-cleanup now: KinD still holds objects",
				len(f.mgmtObjs), f.name, len(f.bootObjs)),
		}, {Command: p + " verify", Why: "confirm every object is on the management cluster and none is left in KinD"}, status}
	case StrandedInBootstrap:
		return []Step{{
			Command: p + " move",
			Why: fmt.Sprintf("%s's %d objects (%d machines) are stranded in KinD. move takes and verifies a backup first, "+
				"then moves them to the management cluster. Never use --force-cleanup or delete KinD while objects are in it: they would be lost",
				f.name, len(f.bootObjs), len(f.bootMachines)),
		}, {Command: p + " verify", Why: "confirm every object is on the management cluster and none is left in KinD"}, status}
	case Missing:
		return []Step{f.restoreStep(p), status}
	case PartlyMissing:
		return f.partlyMissingSteps(p)
	}
	return f.managementSteps(v, p)
}

// managementSteps: every object is home; what remains is to unpause and
// let eksctl finish, or nothing.
func (f *facts) managementSteps(v verdict, p string) []Step {
	var steps []Step
	if vms := f.vmsDown(false); len(vms) > 0 {
		steps = append(steps, f.powerOnStep(vms, "of "+f.name+"'s Machines"))
	}
	if v.state == ValidationFailed && f.ws.LogsDir != "" {
		steps = append(steps, Step{Command: "ls -t " + quote(f.ws.LogsDir),
			Why: "eksctl failed before moving anything" + f.failedAtText() +
				": read its newest log there and fix the cause before rerunning"})
	}
	steps = append(steps, f.causeSteps(v)...)
	// ValidationFailed resumes only for markers that would stop the rerun
	// (v0.19+'s preflight, CAPI's pause); eksctl's rerun clears its own.
	if v.blocking || v.state == PausedAfterFailure {
		steps = append(steps, f.resumeStep(p))
	}
	cleanup, cleanupWhy := f.forceCleanup()
	// With --force-cleanup in the rerun, eksctl deletes the leftover KinD itself.
	if f.kindLeftBehind(v) && (!cleanup || v.state == Healthy) {
		steps = append(steps, Step{Command: "kind delete cluster --name " + eksa.KindClusterName(f.name),
			Why: "the KinD bootstrap cluster left behind holds no Cluster API objects: deleting it is safe"})
	}
	if v.state == Healthy {
		return steps
	}
	if v.state == NotReady {
		// Not a cut-off upgrade: a rerun would not fix what is red.
		return append(steps, Step{Command: p + " status", Why: "check that every readiness signal reads green once the cause is fixed"})
	}
	if v.state == UpgradeIncomplete && !f.rollCutOff() {
		// Only vCenter shows trouble: a rerun would not bring a VM back.
		return append(steps, Step{Command: p + " status", Why: "diagnose again once the VMs run; " +
			"a Machine whose VM is gone (see MachineWithoutVM) does not come back by itself"})
	}
	cmd := "eksctl anywhere upgrade cluster -f " + quote(f.clusterSpec()) + " -v9"
	if cleanup {
		cmd += " --force-cleanup"
	}
	why := map[State]string{
		ValidationFailed:   "rerun the upgrade once the cause is fixed",
		PausedAfterFailure: "rerun the upgrade to finish it and let eksctl resume its own pauses",
		UpgradeIncomplete:  "the rolling upgrade was cut off; the rerun finishes it",
		UpgradeBlocked:     "once nothing blocks it (the steps above), rerun the upgrade to finish it",
		RolloutStuck:       "once the cause above is fixed, rerun the upgrade: it picks the rollout up where it stopped",
	}[v.state]
	if cleanupWhy != "" {
		why += "; " + cleanupWhy
	}
	return append(steps, Step{Command: cmd, Why: why})
}

// resumeStep asks resume's own plan what it would do, so that the step
// never promises to clear what resume leaves set (a control plane held for
// an etcd roll, a pause set on purpose) nor hides why it would refuse.
func (f *facts) resumeStep(p string) Step {
	markers := text.Plural(len(f.markersOn(snapshot.Management)), "pause marker")
	plan, err := pause.Plan(pause.Input{Snapshot: f.in.Snapshot, ClusterName: f.name, Plugin: p, History: f.in.PauseHistory})
	switch {
	case err != nil:
		return Step{Command: p + " resume", Why: fmt.Sprintf(
			"%s set on the management cluster (see the PauseMarker findings), but resume refuses for now: %v", markers, err)}
	case plan.Empty() && len(plan.Held) > 0:
		return Step{Command: p + " resume --dry-run", Why: fmt.Sprintf(
			"resume leaves the management cluster's %s set (%s: %s). Its dry run lists each and why; do not clear them by hand while that holds",
			markers, plan.Held[0].Object, plan.Held[0].Why)}
	case plan.Empty():
		return Step{Command: p + " resume", Why: markers + " set on the management cluster (see the PauseMarker findings): resume backs up first, then clears them"}
	}
	why := fmt.Sprintf("%s on %s of %s (see the PauseMarker findings): resume backs the objects up first, then clears them",
		text.Plural(plan.Count(), "pause marker"), text.Plural(len(plan.Objects), "object"), plan.ClusterList())
	if len(plan.Held) > 0 {
		why += fmt.Sprintf("; it leaves %s set (resume --dry-run says why)", text.Plural(len(plan.Held), "marker"))
	}
	return Step{Command: p + " resume", Why: why}
}

// forceCleanup decides the flag: only where it exists (<= v0.16), and only
// when KinD is known to hold no Cluster API object at all, since it deletes
// KinD with whatever is in it. why explains an omission that matters.
func (f *facts) forceCleanup() (ok bool, why string) {
	switch {
	case !f.era.known:
		return false, "--force-cleanup is left out: the EKS-A version could not be read (pass --eksa-version)"
	case !f.era.forceCleanupExists() || !f.boot.Configured:
		return false, ""
	case !f.kindReadWhole():
		return false, "--force-cleanup is left out: KinD could not be read whole and may still hold objects"
	case len(f.boot.Objects) > 0:
		return false, "--force-cleanup is left out: KinD holds Cluster API objects of other clusters"
	}
	return true, "--force-cleanup deletes the leftover KinD cluster, which holds no Cluster API objects (EKS-A " + f.era.version + ")"
}

// kindLeftBehind: the cluster is home and KinD, still there, holds nothing.
func (f *facts) kindLeftBehind(v verdict) bool {
	switch v.state {
	case Healthy, ValidationFailed, PausedAfterFailure, UpgradeIncomplete, UpgradeBlocked, RolloutStuck:
		return f.kindReadEmpty()
	}
	return false
}

// restoreStep names the newest backup holding objects (the newest of all
// when none says it does).
func (f *facts) restoreStep(p string) Step {
	bs := backupReports(f.ws.Backups, f.in.Now)
	if len(bs) == 0 {
		return Step{Command: p + " restore --from <your-backup-dir>", Why: fmt.Sprintf(
			"%s's objects are in neither cluster and no backup folder was found in the workspace: restore from your own "+
				"backup of its Cluster API objects (clusterctl move --to-directory format), or open an AWS support case", f.name)}
	}
	best := bs[0]
	for _, b := range bs {
		if b.Objects > 0 {
			best = b
			break
		}
	}
	return Step{Command: p + " restore --from " + quote(best.Path), Backup: best.Path, Why: fmt.Sprintf(
		"%s's objects are in neither cluster; this is the newest backup (%s, %s old, %d objects)",
		f.name, best.Source, best.Age, best.Objects)}
}

func (f *facts) unknownSteps(v verdict, p string) []Step {
	rerun := Step{Command: p + " status", Why: "diagnose again once the reasons above are fixed"}
	switch v.cause {
	case causeNoManagement:
		return []Step{{Command: p + " status --kubeconfig <management-kubeconfig>",
			Why: "point the plugin at the management cluster's kubeconfig (eksctl writes " + f.layout().ManagementKubeconfig() + ")"}}
	case causeManagementForbidden:
		return []Step{{Command: f.kubectl() + " auth can-i --list -n eksa-system",
			Why: "see what these credentials may read: the plugin lists Cluster API objects in eksa-system"}, rerun}
	case causeBootstrapForbidden:
		return []Step{{Command: f.kindKubectl() + " auth can-i --list -n eksa-system",
			Why: "see what these credentials may read on KinD, which may hold the cluster's objects"}, rerun}
	case causeUnresolvedKinD:
		return f.unresolvedKinDSteps(p)
	case causeUnread:
		return append(f.unreadSteps(), rerun)
	case causePartial:
		return []Step{{Command: f.kubectl() +
			" -n eksa-system get clusters.cluster.x-k8s.io,machines.cluster.x-k8s.io",
			Why: "look at what the management cluster holds"}, rerun}
	}
	return []Step{rerun}
}

// unreadSteps: for a group discovery could not list, the APIServices that
// say why; for a read refused, what the credentials may read.
func (f *facts) unreadSteps() []Step {
	var undiscovered, refused bool
	for _, u := range f.mgmt.Unread {
		undiscovered = undiscovered || u.Verb == snapshot.VerbDiscover
		refused = refused || u.Verb != snapshot.VerbDiscover
	}
	var out []Step
	if undiscovered {
		out = append(out, Step{Command: f.kubectl() + " get apiservices",
			Why: "see which aggregated API is not Available, and why: the API server cannot list the kinds of a group it serves"})
	}
	if refused {
		out = append(out, Step{Command: f.kubectl() + " auth can-i --list",
			Why: "see what these credentials may read: status reads Deployments, DaemonSets and pods cluster-wide and the cluster's certificate Secrets in eksa-system to earn a Healthy verdict"})
	}
	return out
}

func (f *facts) plugin() string {
	if p := strings.TrimSpace(f.in.Plugin); p != "" {
		return p
	}
	return defaultPlugin
}

func (f *facts) clusterSpec() string {
	if f.ws.ClusterSpec != "" {
		return f.ws.ClusterSpec
	}
	return f.layout().ClusterSpec()
}

func (f *facts) failedAtText() string {
	if cp := f.ws.Checkpoint; cp != nil && cp.FailedAt != "" {
		return " (at " + cp.FailedAt + ")"
	}
	return ""
}

func withSpace(s string) string {
	if s == "" {
		return ""
	}
	return s + " "
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// quote makes a path paste safely into a POSIX shell.
func quote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
