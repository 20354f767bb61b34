package diagnose

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// CodeDrainBlocked: a Machine being deleted cannot drain its Node because
// evicting a pod would violate a PodDisruptionBudget. Cluster API retries
// the eviction forever (unless nodeDrainTimeout is set), so the rollout
// waits until the budget allows it.
const CodeDrainBlocked = "DrainBlocked"

// drainBlock is what a drain condition says of a blocked eviction.
type drainBlock struct {
	budget, pods, message string
	since                 time.Time
}

// budgetRE finds the budget in the eviction message Cluster API records:
// "... violate the pod's disruption budget. The disruption budget <name>
// needs ...".
var budgetRE = regexp.MustCompile(`(?i)disruption budget ([a-z0-9][-a-z0-9.]*) needs`)

// podsRE finds the pods, in v1beta2's "* Pod ns/a, ns/b: cannot evict" or
// v1beta1's "...has 1 currently: a, b" forms.
var podsRE = regexp.MustCompile(`(?i)\* pods? ([^:]+): cannot evict`)

// drainBlocked reads a Machine's drain condition (v1beta1 DrainingSucceeded,
// v1beta2 Deleting with reason DrainingNode) for a blocked eviction.
func drainBlocked(m snapshot.Machine) (drainBlock, bool) {
	for _, c := range m.Conditions {
		drain := c.Type == "DrainingSucceeded" || (c.Type == "Deleting" && c.Reason == "DrainingNode")
		if !drain || !strings.Contains(strings.ToLower(c.Message), "disruption budget") {
			continue
		}
		b := drainBlock{message: c.Message, since: m.DrainStart}
		if b.since.IsZero() {
			b.since = c.LastTransitionTime
		}
		if s := budgetRE.FindStringSubmatch(c.Message); s != nil {
			b.budget = s[1]
		}
		if s := podsRE.FindStringSubmatch(c.Message); s != nil {
			b.pods = strings.TrimSpace(s[1])
		}
		return b, true
	}
	return drainBlock{}, false
}

// drainFinding and drainStep say it: the pods, the budget, and the fix.
func (f *facts) drainFinding(s stuckMachine, b drainBlock) string {
	msg := fmt.Sprintf("Machine %s has been draining Node %s for %s: evicting %s would violate PodDisruptionBudget %s",
		s.m.Name, orUnknown(s.m.NodeName), ageText(f.in.Now, b.since), orWords(b.pods, "a pod"), orWords(b.budget, "(unnamed)"))
	return msg + " (" + oneLineText(b.message) + ")"
}

func (f *facts) drainStep(s stuckMachine, b drainBlock) Step {
	return Step{Command: f.kubectl() + " get poddisruptionbudgets -A", Why: fmt.Sprintf(
		"the drain of Machine %s waits on PodDisruptionBudget %s, which allows no eviction of %s: scale that workload up so it "+
			"can lose a pod, or relax the budget for the upgrade (and restore it after); the drain then finishes and the rollout goes on",
		s.m.Name, orWords(b.budget, "(see the finding)"), orWords(b.pods, "its pods"))}
}

// budgetNames names budgets as namespace/name, comma-separated.
func budgetNames(bs []snapshot.DisruptionBudget) string {
	var names []string
	for _, b := range bs {
		names = append(names, b.Namespace+"/"+b.Name)
	}
	return strings.Join(names, ", ")
}

func orWords(s, other string) string {
	if s == "" {
		return other
	}
	return s
}
