// Package pause knows the pause markers a failed eksctl run leaves (see
// docs/eksa-facts.md, "Pause markers"): Find detects them on a snapshot
// (the one place they are detected: diagnose reports them from here), and
// Plan decides which to clear on which objects and which to leave set, and
// why, holding what HistoryOf says the workspace's backups recorded
// paused before the failed run. It is pure: it reads a snapshot and the
// workspace's listing and writes nothing; package unpause applies its plan.
package pause

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Input is what Plan decides from.
type Input struct {
	Snapshot    *snapshot.Snapshot
	ClusterName string
	// Plugin is how the user invokes the plugin, for the commands named in
	// refusals (default "kubectl eksa-recover").
	Plugin string
	// History is what a backup from before the failed run says of the
	// Clusters' pauses; nil when not looked for (the plan then clears every
	// spec.paused, as before). IncludePrePaused clears those too.
	History          *History
	IncludePrePaused bool
}

// Ref names one object.
type Ref struct {
	Group, Version, Kind string
	Namespace, Name      string
}

// String reads as kind.group/name in namespace, so that the EKS-A Cluster
// and the CAPI Cluster of the same name are told apart.
func (r Ref) String() string {
	return fmt.Sprintf("%s.%s/%s in %s", r.Kind, r.Group, r.Name, r.Namespace)
}

// Change is one object's markers to clear.
type Change struct {
	Object Ref
	// Cluster is the cluster the object belongs to ("" for EKS-A's configs,
	// which say it only through the Cluster's references).
	Cluster string
	// Annotations are the annotation keys to remove.
	Annotations []string
	// SpecPaused: set spec.paused to null, as eksctl's own resume does.
	SpecPaused bool
}

// Markers lists what the change clears, as it reads in messages.
func (c Change) Markers() []string {
	var out []string
	if c.SpecPaused {
		out = append(out, MarkerSpecPaused)
	}
	for _, a := range c.Annotations {
		out = append(out, "annotation "+a)
	}
	return out
}

// Held is a marker resume leaves set, and why.
type Held struct {
	Object Ref
	Marker string
	Why    string
}

// Changes is the plan: what resume clears and what it leaves.
type Changes struct {
	Cluster string
	// Clusters are the clusters whose objects carry markers to clear.
	Clusters []string
	Objects  []Change
	Held     []Held
	// PrePaused are the Clusters held because they were paused before the
	// run; Unknown those whose spec.paused is cleared although no backup
	// says whether they were (UnknownWhy says why none does).
	PrePaused  []string
	Unknown    []string
	UnknownWhy string
}

// Empty: nothing to clear.
func (c *Changes) Empty() bool { return len(c.Objects) == 0 }

// Plan decides what resume changes on the management cluster. It refuses
// (an error, one line, nothing to change) when the management cluster could
// not be read, when it does not hold the cluster's CAPI Cluster, or when the
// KinD bootstrap cluster holds, or may hold, Cluster API objects of a
// cluster on management: unpausing a cluster whose objects are also in KinD
// would let two sets of controllers act on the same machines.
//
// Scope: every EKS-A and Cluster API object on the management cluster. That
// API server holds only the management cluster and the workload clusters it
// manages, which eksctl pauses together (in place, from EKS-A v0.18, the
// workload clusters' spec.paused is what a failure leaves).
func Plan(in Input) (*Changes, error) {
	if in.Snapshot == nil {
		return nil, fmt.Errorf("no snapshot of the clusters was taken: nothing was changed")
	}
	if err := refuse(in); err != nil {
		return nil, err
	}
	mgmt := &in.Snapshot.Management
	out := &Changes{Cluster: in.ClusterName}
	out.Objects, out.Held = decide(Find(mgmt), mgmt.Objects)
	for _, ch := range out.Objects {
		if ch.Cluster != "" && !slices.Contains(out.Clusters, ch.Cluster) {
			out.Clusters = append(out.Clusters, ch.Cluster)
		}
	}
	out.holdPrePaused(in.History, in.IncludePrePaused)
	out.sort()
	return out, nil
}

// sort orders the patches: CAPI objects first, then EKS-A's configs, then
// the EKS-A Clusters last, so that when the EKS-A controller sees its
// Cluster unpaused, the configs it reads are unpaused already.
func (c *Changes) sort() {
	rank := func(r Ref) int {
		switch {
		case r.Group != eksa.GroupEKSA:
			return 0
		case r.Kind != "Cluster":
			return 1
		}
		return 2
	}
	sort.SliceStable(c.Objects, func(i, j int) bool {
		a, b := c.Objects[i].Object, c.Objects[j].Object
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a.String() < b.String()
	})
	sort.SliceStable(c.Held, func(i, j int) bool { return c.Held[i].Object.String() < c.Held[j].Object.String() })
	sort.Strings(c.Clusters)
}

// refuse checks the preconditions; its messages name the fix.
func refuse(in Input) error {
	s, name := in.Snapshot, in.ClusterName
	plugin := strings.TrimSpace(in.Plugin)
	if plugin == "" {
		plugin = "kubectl eksa-recover"
	}
	m, b := &s.Management, &s.Bootstrap
	switch {
	case !m.Configured:
		return fmt.Errorf("no management kubeconfig found (eksctl writes %s): pass --kubeconfig; nothing was changed",
			eksa.Layout{Workspace: "<workspace>", Cluster: name}.ManagementKubeconfig())
	case m.Forbidden:
		return fmt.Errorf("reading the management cluster with %s: %s; nothing was changed", m.Kubeconfig, m.Error)
	case !m.Reachable:
		return fmt.Errorf("the management cluster %sdid not answer (%s): resume changes nothing while it is down; `%s status` says what to check",
			withSpace(m.Server), orNone(m.Error), plugin)
	}
	if err := refuseKinD(b, m, name, plugin); err != nil {
		return err
	}
	if !hasCluster(m.Objects, name) {
		return fmt.Errorf("the management cluster does not hold Cluster %s: resume changes nothing until its objects are back (`%s status` says where they are)",
			name, plugin)
	}
	return nil
}

// refuseKinD: KinD, when there is one, must be readable and hold no
// Cluster API object of a cluster the management cluster knows.
func refuseKinD(b, m *snapshot.ClusterState, name, plugin string) error {
	if !b.Configured {
		return nil
	}
	if !b.Reachable || b.Forbidden {
		return fmt.Errorf("the KinD bootstrap cluster could not be read (%s) and may still hold Cluster API objects: resume changes nothing until it answers "+
			"(docker start %s); if that KinD cluster is gone for good, move its kubeconfig %s aside",
			orNone(b.Error), eksa.KindNodeContainer(name), b.Kubeconfig)
	}
	onMgmt := clusterNames(m)
	var stranded []string
	for _, o := range b.Objects {
		if o.ClusterName != "" && (o.ClusterName == name || onMgmt[o.ClusterName]) {
			stranded = append(stranded, o.ClusterName)
		}
	}
	if len(stranded) > 0 {
		clusters := unique(stranded)
		move := plugin + " move"
		if len(clusters) > 1 || clusters[0] != name {
			move += " --all" // move alone carries only --cluster-name's objects
		}
		return fmt.Errorf("the KinD bootstrap cluster still holds %d Cluster API objects of %s: run `%s` first; resume changes nothing while they are there",
			len(stranded), strings.Join(clusters, ", "), move)
	}
	return nil
}

// clusterNames are the clusters the management cluster knows: its CAPI
// objects' clusters and its EKS-A Clusters.
func clusterNames(cs *snapshot.ClusterState) map[string]bool {
	out := map[string]bool{}
	for _, o := range cs.Objects {
		if o.ClusterName != "" {
			out[o.ClusterName] = true
		}
	}
	for _, o := range cs.EKSA {
		if o.Kind == "Cluster" {
			out[o.Name] = true
		}
	}
	return out
}

func hasCluster(objs []snapshot.Object, name string) bool {
	for _, o := range objs {
		if o.Group == eksa.GroupCAPI && o.Kind == "Cluster" && o.Name == name {
			return true
		}
	}
	return false
}

func refOf(o snapshot.Object) Ref {
	return Ref{Group: o.Group, Version: o.Version, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

func unique(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func withSpace(s string) string {
	if s == "" {
		return ""
	}
	return s + " "
}

func orNone(s string) string {
	if s == "" {
		return "no error was recorded"
	}
	return s
}
