package diagnose

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// Healthy is earned: the verdict is Healthy only when every readiness
// signal the management cluster publishes reads green and every read that
// would show one succeeded. A red signal that no known cause explains is
// still named, in its own words, with where to look (NotReady).

// Finding codes of the generic rule.
const (
	// CodeNotReady: a readiness signal is red and no known cause explains it.
	CodeNotReady = "NotReady"
	// CodeUnread: a read was refused or failed; what it would show is unknown.
	CodeUnread = "ReadRefused"
)

// signal is one readiness signal that does not read green.
type signal struct {
	object string // Kind/namespace/name
	kind   string // the resource kubectl describes
	ns     string
	name   string
	field  string // the condition type or status field
	status string
	reason string
	msg    string
	since  time.Time
	// look is the command that shows more, when describe is not the best.
	look string
}

// redSignals lists the management cluster's readiness signals that are not
// green: the EKS-A Clusters (failureMessage, every condition and
// observedGeneration), every Cluster API object it holds (every condition,
// both contracts, status.ready and observedGeneration), the aggregated
// APIs discovery could not reach, the controllers, the Nodes (Ready, and
// any other condition True) and kube-system's Deployments and DaemonSets.
// Sorted, so equal inputs name the same first signal.
func (f *facts) redSignals() []signal {
	if f.signals != nil || !readable(f.mgmt) {
		return f.signals
	}
	out := []signal{}
	for _, o := range f.mgmt.EKSA {
		if u := upgradeSignal(o); u != nil {
			out = append(out, *u)
		}
		if o.Group != eksa.GroupEKSA || o.Kind != "Cluster" {
			continue
		}
		if msg := o.Fields["failureMessage"]; msg != "" {
			out = append(out, objectSignal(o, "clusters.anywhere.eks.amazonaws.com", snapshot.Condition{
				Type: "status.failureMessage", Status: "set", Reason: o.Fields["failureReason"], Message: msg}))
		}
		out = append(out, conditionSignals(o, "clusters.anywhere.eks.amazonaws.com")...)
		out = append(out, generationSignals(o, "clusters.anywhere.eks.amazonaws.com")...)
	}
	// Every Cluster API object management holds: the cluster's own, those
	// of the workload clusters it manages (their EKS-A Clusters count
	// above, and a red control plane there can precede the EKS-A
	// controller's summary of it), and those that claim no cluster: the
	// bare-metal inventory (spare Hardware and its BMC machine), which a
	// rolling upgrade needs.
	for _, o := range f.mgmt.Objects {
		out = append(out, conditionSignals(o, resourceOf(o))...)
		out = append(out, generationSignals(o, resourceOf(o))...)
		if o.Fields["ready"] == "false" {
			out = append(out, objectSignal(o, resourceOf(o), snapshot.Condition{Type: "status.ready", Status: "false",
				Message: readyCountText(o)}))
		}
	}
	// The aggregated APIs discovery could not reach, as their APIServices
	// say (Available False: the Service missing, its discovery failing).
	for _, o := range f.mgmt.APIServices {
		red := conditionSignals(o, resourceOf(o))
		if len(red) == 0 {
			red = []signal{objectSignal(o, resourceOf(o), snapshot.Condition{Type: "Available", Status: "Unknown",
				Message: "discovery cannot reach the API it serves, and it reports no Available condition"})}
		}
		out = append(out, red...)
	}
	out = append(out, f.controllerSignals()...)
	for _, n := range f.mgmt.Nodes {
		if !n.Ready {
			c := n.ReadyCondition
			if c.Type == "" {
				c = snapshot.Condition{Type: "Ready", Status: "Unknown", Message: "the Node reports no Ready condition"}
			}
			out = append(out, nodeSignal(n, c))
		}
		for _, c := range n.Problems {
			out = append(out, nodeSignal(n, c))
		}
	}
	for _, d := range f.mgmt.DaemonSets {
		if !d.Converged() {
			out = append(out, signal{object: "DaemonSet/" + d.Namespace + "/" + d.Name, kind: "daemonset", ns: d.Namespace, name: d.Name,
				field: "status", status: fmt.Sprintf("%d of %d ready, %d updated", d.Ready, d.Desired, d.Updated),
				look: fmt.Sprintf("%s -n %s rollout status daemonset/%s", f.kubectl(), d.Namespace, d.Name)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].object < out[j].object })
	f.signals = out
	return out
}

func nodeSignal(n snapshot.Node, c snapshot.Condition) signal {
	return signal{object: "Node/" + n.Name, kind: "node", name: n.Name, field: c.Type, status: c.Status,
		reason: c.Reason, msg: c.Message, since: c.LastTransitionTime}
}

// upgradeSignal: an in-place upgrade object (ControlPlaneUpgrade,
// MachineDeploymentUpgrade, NodeUpgrade) not completed: an upgrade under
// way, which is not a cluster at rest.
func upgradeSignal(o snapshot.Object) *signal {
	switch o.Kind {
	case eksa.KindControlPlaneUpgrade, eksa.KindMachineDeploymentUpgrade, eksa.KindNodeUpgrade:
	default:
		return nil
	}
	if o.Fields["completed"] == "true" {
		return nil
	}
	s := objectSignal(o, strings.ToLower(o.Kind)+"s."+eksa.GroupEKSA, snapshot.Condition{Type: "status.completed", Status: "false",
		Message: "the in-place upgrade has not completed", LastTransitionTime: lastChange(o.Conditions)})
	if t := conditionText(time.Time{}, o.Conditions); t != "" {
		s.msg += "; " + t
	}
	return &s
}

// controllerSignals: every controller Deployment and every kube-system
// Deployment (CoreDNS, the CNI's operator) not available, and every
// provider clusterctl installed whose namespace runs no Deployment at all.
func (f *facts) controllerSignals() []signal {
	var out []signal
	seen := map[string]bool{}
	for _, w := range f.mgmt.Controllers {
		seen[w.Namespace] = true
		if w.Down() {
			out = append(out, f.deploymentSignal(w))
		}
	}
	for _, w := range f.mgmt.SystemDeployments {
		if w.Down() {
			out = append(out, f.deploymentSignal(w))
		}
	}
	if f.unreadResource("deployments") {
		return out
	}
	for _, p := range f.mgmt.Providers {
		if p.Namespace == "" || seen[p.Namespace] {
			continue
		}
		seen[p.Namespace] = true
		out = append(out, signal{object: "Namespace/" + p.Namespace, kind: "namespace", name: p.Namespace, field: "controller",
			status: "missing", msg: fmt.Sprintf("clusterctl's inventory lists provider %s here, but the namespace runs no Deployment", p.Label()),
			look: fmt.Sprintf("%s -n %s get deployments,pods", f.kubectl(), p.Namespace)})
	}
	return out
}

// deploymentSignal: a Deployment not available, with why its pods are not
// ready, and the log of its last crash to look at.
func (f *facts) deploymentSignal(w snapshot.Workload) signal {
	c := snapshot.Condition{Type: "Available", Status: "False",
		Message: fmt.Sprintf("%d of %d replicas available", w.Available, w.Desired)}
	for _, wc := range w.Conditions {
		if wc.Type == "Available" {
			c.Status, c.Reason, c.LastTransitionTime = wc.Status, wc.Reason, wc.LastTransitionTime
		}
	}
	if p := podText(w.Pods); p != "" {
		c.Message += "; " + p
	}
	return signal{object: "Deployment/" + w.Namespace + "/" + w.Name, kind: "deployment", ns: w.Namespace, name: w.Name,
		field: c.Type, status: c.Status, reason: c.Reason, msg: c.Message, since: c.LastTransitionTime,
		look: fmt.Sprintf("%s -n %s logs deployment/%s --previous", f.kubectl(), w.Namespace, w.Name)}
}

// unreadResource: a read of the resource was refused.
func (f *facts) unreadResource(resource string) bool {
	for _, u := range f.mgmt.Unread {
		if u.Resource == resource || strings.HasPrefix(u.Resource, resource+".") {
			return true
		}
	}
	return false
}

// podText says why a controller's pods are not ready: the first pod not
// ready, its container's waiting reason, restarts and last termination.
func podText(pods []snapshot.Pod) string {
	for _, p := range pods {
		if p.Ready {
			continue
		}
		s := "pod " + p.Name
		if p.Waiting != "" {
			s += " " + p.Waiting
		} else if p.Phase != "" {
			s += " " + p.Phase
		}
		if p.Restarts > 0 {
			s += fmt.Sprintf(", %s", text.Plural(int(p.Restarts), "restart"))
		}
		if p.LastTerminated != "" {
			s += ", last terminated " + p.LastTerminated
		}
		return s
	}
	return ""
}

func objectSignal(o snapshot.Object, resource string, c snapshot.Condition) signal {
	return signal{object: objectRef(o), kind: resource, ns: o.Namespace, name: o.Name, field: c.Type, status: c.Status,
		reason: c.Reason, msg: c.Message, since: c.LastTransitionTime}
}

// conditionSignals: the object's conditions not as they should be, one
// signal each.
func conditionSignals(o snapshot.Object, resource string) []signal {
	var out []signal
	for _, c := range troubled(o.Conditions) {
		out = append(out, objectSignal(o, resource, c))
	}
	return out
}

// generationSignals: the object's controller has not reconciled its latest
// spec: status.observedGeneration, published, differs from
// metadata.generation. EKS-A reads such a Cluster as not ready whatever its
// conditions say (aws/eks-anywhere pkg/cluster/wait.go WaitFor), and a
// KubeadmControlPlane, MachineDeployment or EtcdadmCluster as outdated
// (pkg/controller/clusters status.go, controlplane.go): its conditions
// describe an older spec. Zero is not published (controllers that write
// none, an object just moved), never a signal.
func generationSignals(o snapshot.Object, resource string) []signal {
	if o.ObservedGeneration == 0 || o.Generation == 0 || o.ObservedGeneration == o.Generation {
		return nil
	}
	return []signal{objectSignal(o, resource, snapshot.Condition{Type: "status.observedGeneration",
		Status: strconv.FormatInt(o.ObservedGeneration, 10),
		Message: fmt.Sprintf("generation %d and observedGeneration %d differ: its controller has not yet reconciled the latest spec, so its conditions describe an older one",
			o.Generation, o.ObservedGeneration)})}
}

// resourceOf names an object's resource for kubectl: plural.group, the
// form that is never ambiguous (Cluster is CAPI's and EKS-A's).
func resourceOf(o snapshot.Object) string {
	plural := strings.ToLower(o.Kind)
	switch {
	case strings.HasSuffix(plural, "s"):
		plural += "es"
	case strings.HasSuffix(plural, "y"):
		plural = strings.TrimSuffix(plural, "y") + "ies"
	default:
		plural += "s"
	}
	if o.Group == "" {
		return plural
	}
	return plural + "." + o.Group
}

func readyCountText(o snapshot.Object) string {
	if n, ok := o.Counts["replicas"]; ok {
		if want, ok := o.Counts["spec.replicas"]; ok {
			return fmt.Sprintf("%d of %d members ready", n, want)
		}
	}
	return ""
}

// text says the signal in its own words: "Deployment capv-system/capv-
// controller-manager: Available False since 2h (MinimumReplicasUnavailable:
// ...)", as conditionText says a condition.
func (s signal) text(now time.Time) string {
	return s.object + ": " + describeCondition(now, snapshot.Condition{Type: s.field, Status: s.status, Reason: s.reason,
		Message: s.msg, LastTransitionTime: s.since})
}

// lookStep shows where to look for one signal.
func (f *facts) lookStep(s signal) Step {
	cmd := s.look
	if cmd == "" {
		ns := ""
		if s.ns != "" {
			ns = " -n " + s.ns
		}
		cmd = f.kubectl() + ns + " describe " + s.kind + " " + s.name
	}
	return Step{Command: cmd, Why: fmt.Sprintf("%s; no rule of this plugin knows the cause: its conditions, events and logs say why", s.text(f.in.Now))}
}

// unexplainedSignals are the red signals no family names.
func (f *facts) unexplainedSignals() []signal {
	seen := f.explained()
	var out []signal
	for _, s := range f.redSignals() {
		if !seen[s.object] {
			out = append(out, s)
		}
	}
	return out
}

// signalFindings name every red signal no other finding names, and every
// read that was refused.
func signalFindings(f *facts, named map[string]bool) []Finding {
	var out []Finding
	byObject := map[string][]signal{}
	var order []string
	for _, s := range f.unexplainedSignals() {
		if named[s.object] {
			continue
		}
		if _, ok := byObject[s.object]; !ok {
			order = append(order, s.object)
		}
		byObject[s.object] = append(byObject[s.object], s)
	}
	for _, obj := range order {
		ss := byObject[obj]
		msg := ss[0].text(f.in.Now)
		if len(ss) > 1 {
			msg += fmt.Sprintf("; and %s", text.Plural(len(ss)-1, "more signal"))
		}
		e := &Evidence{}
		for _, s := range ss {
			e.Conditions = append(e.Conditions, EvidenceCondition{Type: s.field, Status: s.status, Reason: s.reason,
				Message: text.OneLine(s.msg), Since: s.since})
			if s.since.After(e.Since) {
				e.Since = s.since
			}
		}
		e.For = text.Age(f.in.Now, e.Since)
		out = append(out, Finding{Severity: Warning, Code: CodeNotReady, Object: obj, Location: string(snapshot.Management),
			Message: msg, Evidence: e})
	}
	for _, u := range f.mgmt.Unread {
		out = append(out, Finding{Severity: Warning, Code: CodeUnread, Location: string(snapshot.Management),
			Message: unreadText(u) + ": what it would show is unknown, so the verdict cannot be Healthy"})
	}
	// KinD's refused reads leave the verdict as it is (it says where the
	// objects are), but what they hide is counted nowhere: a user told KinD
	// holds 22 objects when it holds 32 must be told why.
	for _, u := range f.boot.Unread {
		out = append(out, Finding{Severity: Warning, Code: CodeUnread, Location: string(snapshot.Bootstrap),
			Message: "on the KinD bootstrap cluster, " + unreadText(u) + ": what it would show is unknown, so KinD may hold more than is counted here"})
	}
	return out
}

func unreadText(u snapshot.Unread) string {
	where := " in every namespace"
	switch {
	case u.Verb == snapshot.VerbDiscover:
		where = "" // a group's kinds, on the whole server
	case u.Namespace != "":
		where = " in namespace " + u.Namespace
	}
	return fmt.Sprintf("could not %s %s%s (%s)", u.Verb, u.Resource, where, u.Error)
}

// notReadyClauses say what is not ready, for the headline: the known
// causes, then the first red signal no cause explains.
func (f *facts) notReadyClauses() []string {
	out := f.familyClauses(NotReady)
	s := f.unexplainedSignals()
	if len(out) == 0 && len(s) == 0 {
		s = f.redSignals() // each named by a finding of its own, e.g. a controller's own pause
	}
	if len(s) > 0 {
		clause := s[0].text(f.in.Now)
		if len(s) > 1 {
			clause += fmt.Sprintf(" (and %s)", text.Plural(len(s)-1, "more red signal"))
		}
		out = append(out, clause)
	}
	return out
}

// maxLookSteps bounds the "where to look" steps: the first few red
// signals; the findings name every one.
const maxLookSteps = 3

// notReadySteps: the known causes' steps, then where to look for each of
// the first red signals no cause explains.
func (f *facts) notReadySteps() []Step {
	steps := f.familySteps(NotReady)
	red := f.unexplainedSignals()
	if len(steps) == 0 && len(red) == 0 {
		red = f.redSignals()
	}
	for i, s := range red {
		if i == maxLookSteps {
			break
		}
		steps = append(steps, f.lookStep(s))
	}
	return steps
}
