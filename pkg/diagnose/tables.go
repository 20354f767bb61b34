package diagnose

import (
	"sort"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/workspace"
)

// The report's tables: what was read, sorted, as the printers show it.
// Lists are never nil so that `-o json` always has [] rather than null.

func clusterReports(f *facts) []ClusterReport {
	out := make([]ClusterReport, 0, 2)
	for _, cs := range []*snapshot.ClusterState{f.mgmt, f.boot} {
		out = append(out, ClusterReport{
			Role: string(cs.Role), Kubeconfig: cs.Kubeconfig, KubeconfigFrom: cs.KubeconfigFrom, Context: cs.Context, Server: cs.Server,
			Configured: cs.Configured, Reachable: cs.Reachable, Error: cs.Error,
		})
	}
	return out
}

func objectLists(f *facts) Objects {
	return Objects{Management: kindNames(f.mgmtObjs), Bootstrap: kindNames(f.bootObjs)}
}

func kindNames(objs []snapshot.Object) []string {
	out := make([]string, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.Kind+"/"+o.Name)
	}
	sort.Strings(out)
	return out
}

// locationRank puts management first, as in Clusters.
var locationRank = map[string]int{string(snapshot.Management): 0, string(snapshot.Bootstrap): 1}

func machineReports(f *facts) []MachineReport {
	out := make([]MachineReport, 0, len(f.mgmtMachines)+len(f.bootMachines))
	add := func(side snapshot.Role, ms []snapshot.Machine) {
		for _, m := range ms {
			out = append(out, MachineReport{
				Name: m.Name, Cluster: m.ClusterName, Location: string(side), Role: string(m.Role),
				NodeName: m.NodeName, ProviderID: m.ProviderID, Phase: m.Phase, Version: m.Version, Created: m.Created,
			})
		}
	}
	add(snapshot.Management, f.mgmtMachines)
	add(snapshot.Bootstrap, f.bootMachines)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Location != out[j].Location {
			return locationRank[out[i].Location] < locationRank[out[j].Location]
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// nodeReports lists the management cluster's Nodes: the cluster itself.
func nodeReports(f *facts) []NodeReport {
	if !readable(f.mgmt) {
		return []NodeReport{}
	}
	out := make([]NodeReport, 0, len(f.mgmt.Nodes))
	for _, n := range f.mgmt.Nodes {
		roles := append([]string(nil), n.Roles...)
		sort.Strings(roles)
		out = append(out, NodeReport{Name: n.Name, Ready: n.Ready, Roles: roles, Version: n.KubeletVersion})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func checkpointReport(cp *workspace.Checkpoint) *Checkpoint {
	if cp == nil {
		return nil
	}
	return &Checkpoint{
		Path:           cp.Path,
		CompletedTasks: append([]string{}, cp.Completed...),
		FailedTask:     cp.FailedAt,
		Phase:          taskPhase(cp.FailedAt),
	}
}

// backupReports lists backups newest first, whatever order they came in.
func backupReports(bs []workspace.Backup, now time.Time) []BackupReport {
	out := make([]BackupReport, 0, len(bs))
	for _, b := range bs {
		out = append(out, BackupReport{Path: b.Path, Source: string(b.Source), Time: b.Time,
			Age: text.Age(now, b.Time), Objects: b.Objects})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Path < out[j].Path
	})
	return out
}
