package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// summary is the headline: the state in one sentence, with the numbers
// that prove it.
func summary(f *facts, v verdict) string {
	c := f.name
	switch v.state {
	case Unknown:
		return fmt.Sprintf("%s's state could not be determined: %s", orCluster(c), strings.Join(v.reasons, "; "))
	case ManagementUnreachable:
		s := fmt.Sprintf("the management cluster of %s does not answer: %s", c, orUnknown(f.mgmt.Error))
		if vms := f.vmsDown(true); len(vms) > 0 {
			var names []string
			for _, vm := range vms {
				names = append(names, vm.Name)
			}
			s += fmt.Sprintf("; vCenter shows the VMs it needs not running: %s", strings.Join(names, ", "))
		}
		return s
	case BootstrapUnreachable:
		return fmt.Sprintf("the KinD bootstrap cluster does not answer and the management cluster holds none of %s's "+
			"Cluster API objects: they are most likely stranded in KinD", c)
	case SplitMove:
		return fmt.Sprintf("a move of %s's Cluster API objects was cut off: %s on the management cluster, %s in the KinD bootstrap cluster",
			c, text.Plural(len(f.mgmtObjs), "object"), text.Plural(len(f.bootObjs), "object"))
	case StrandedInBootstrap:
		return fmt.Sprintf("%s's Cluster API objects are stranded in the KinD bootstrap cluster: %s, %s",
			c, text.Plural(len(f.bootObjs), "object"), text.Plural(len(f.bootMachines), "machine"))
	case Missing:
		return fmt.Sprintf("%s's Cluster API objects are in neither the management cluster nor the KinD bootstrap cluster", c)
	case PartlyMissing:
		return partlyMissingSummary(f)
	case ValidationFailed:
		return fmt.Sprintf("%s's upgrade failed in the validation phase%s: nothing was moved, its %s are still on the management cluster",
			c, f.failedAtText(), text.Plural(len(f.mgmtObjs), "object"))
	case PausedAfterFailure:
		return fmt.Sprintf("%s is left paused after a failed upgrade: %s on the management cluster",
			c, text.Plural(len(f.leftMarkers()), "pause marker"))
	case UpgradeIncomplete:
		return fmt.Sprintf("%s's upgrade is incomplete: %s", c, strings.Join(f.incompleteClauses(), ", "))
	case UpgradeBlocked:
		return fmt.Sprintf("%s's upgrade cannot proceed: %s", c, strings.Join(f.familyClauses(UpgradeBlocked), ", "))
	case RolloutStuck:
		return fmt.Sprintf("%s's upgrade is stuck: %s", c, strings.Join(f.familyClauses(RolloutStuck), ", "))
	case NotReady:
		return fmt.Sprintf("%s is not ready: %s", c, strings.Join(f.notReadyClauses(), ", "))
	}
	s := fmt.Sprintf("%s is healthy: %s Running", c, text.Plural(len(f.mgmtMachines), "machine"))
	if cp, workers := machineVersions(f.mgmtMachines); len(cp) == 1 && len(workers) <= 1 {
		s += " on " + cp[0]
	}
	if len(f.mgmt.Nodes) > 0 {
		s += ", " + text.Plural(len(f.mgmt.Nodes), "node") + " Ready"
	}
	return s
}

// incompleteClauses say what marks the upgrade as cut off.
func (f *facts) incompleteClauses() []string {
	var out []string
	if versionSkew(f.mgmtMachines) != nil {
		cp, workers := machineVersions(f.mgmtMachines)
		out = append(out, fmt.Sprintf("control plane on %s, workers on %s", listOrNone(cp), listOrNone(workers)))
	}
	noPhase, notRunning := 0, 0
	for _, m := range f.mgmtMachines {
		switch {
		case m.Phase == "":
			noPhase++
		case m.Phase != "Running":
			notRunning++
		}
	}
	if noPhase > 0 {
		out = append(out, text.Plural(noPhase, "machine")+" without status yet")
	}
	if notRunning > 0 {
		out = append(out, fmt.Sprintf("%d of %s not Running", notRunning, text.Plural(len(f.mgmtMachines), "machine")))
	}
	notReady := 0
	for _, n := range f.mgmt.Nodes {
		if !n.Ready {
			notReady++
		}
	}
	if notReady > 0 {
		out = append(out, text.Plural(notReady, "node")+" not Ready")
	}
	if n := f.machinesNotRunningInVCenter(); n > 0 {
		out = append(out, fmt.Sprintf("%s whose VM is missing, powered off or suspended in vCenter", text.Plural(n, "machine")))
	}
	return out
}

func orCluster(c string) string {
	if c == "" {
		return "the cluster"
	}
	return c
}
