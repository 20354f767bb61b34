package watch

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

// Changes says, one line each, what differs from prev to cur: the state,
// each Machine's phase, place or version, Machines added or gone, and
// findings raised or cleared. Ages and counts inside a finding's message
// do not make it a new finding.
func Changes(prev, cur *diagnose.Report) []string {
	var out []string
	if prev.State != cur.State {
		out = append(out, fmt.Sprintf("state: %s -> %s", prev.State, cur.State))
	}
	out = append(out, machineChanges(prev.Machines, cur.Machines)...)
	before, after := findingSet(prev.Findings), findingSet(cur.Findings)
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if _, ok := after[k]; !ok {
			out = append(out, "cleared: "+before[k].Message)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[k]; !ok {
			out = append(out, fmt.Sprintf("new %s: %s", after[k].Severity, after[k].Message))
		}
	}
	return out
}

func machineChanges(prev, cur []diagnose.MachineReport) []string {
	var out []string
	old := map[string]diagnose.MachineReport{}
	for _, m := range prev {
		old[m.Name] = m
	}
	for _, m := range cur {
		p, ok := old[m.Name]
		delete(old, m.Name)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("machine %s: new, %s on %s", m.Name, orNone(m.Phase), m.Location))
		case p.Phase != m.Phase:
			out = append(out, fmt.Sprintf("machine %s: %s -> %s", m.Name, orNone(p.Phase), orNone(m.Phase)))
		case p.Location != m.Location:
			out = append(out, fmt.Sprintf("machine %s: moved %s -> %s", m.Name, p.Location, m.Location))
		case p.Version != m.Version:
			out = append(out, fmt.Sprintf("machine %s: version %s -> %s", m.Name, p.Version, m.Version))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(old)) {
		out = append(out, fmt.Sprintf("machine %s: gone", name))
	}
	return out
}

func orNone(phase string) string {
	if phase == "" {
		return "no phase"
	}
	return phase
}

// findingSet keys findings by what they are about, digits left out of the
// message (a backup's age, a count of VMs).
func findingSet(fs []diagnose.Finding) map[string]diagnose.Finding {
	out := map[string]diagnose.Finding{}
	for _, f := range fs {
		msg := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return -1
			}
			return r
		}, f.Message)
		out[strings.Join([]string{string(f.Severity), f.Code, f.Location, f.Object, msg}, "|")] = f
	}
	return out
}
