package diagnose

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// Evidence is what a finding about a stuck object rests on, for -o json:
// the conditions that are not as they should be, the counts, and since
// when nothing changed.
type Evidence struct {
	Conditions []EvidenceCondition `json:"conditions,omitempty"`
	Counts     map[string]int64    `json:"counts,omitempty"`
	// Since is the last change seen (the newest condition transition);
	// For is how long before the read that was.
	Since time.Time `json:"since,omitzero"`
	For   string    `json:"for,omitempty"`
	// Certificates are the Secrets' certificates a certificate finding
	// rests on: the Secret, key, subject and NotAfter.
	Certificates []EvidenceCertificate `json:"certificates,omitempty"`
}

// EvidenceCondition is one condition as the controller wrote it.
type EvidenceCondition struct {
	Type    string    `json:"type"`
	Status  string    `json:"status"`
	Reason  string    `json:"reason,omitempty"`
	Message string    `json:"message,omitempty"`
	Since   time.Time `json:"since,omitzero"`
}

// stuckAfter is how long an object may stay unconverged before it counts
// as stuck rather than under way: longer than a healthy control-plane
// Machine takes to boot and join (10-20 minutes on vSphere), shorter than
// eksctl's own wait for the control plane (1 hour).
const stuckAfter = 30 * time.Minute

// troubled are the conditions not as they should be: False or Unknown,
// True for the inverted types; Ready and Available first.
func troubled(cs []snapshot.Condition) []snapshot.Condition {
	var out []snapshot.Condition
	for _, c := range cs {
		if !c.Green() {
			out = append(out, c)
		}
	}
	rank := func(c snapshot.Condition) int {
		switch c.Type {
		case "Ready":
			return 0
		case "Available":
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// lastChange is the newest transition among the conditions: the last time
// the controller saw anything change. Zero when none has a time.
func lastChange(cs []snapshot.Condition) time.Time {
	var t time.Time
	for _, c := range cs {
		if c.LastTransitionTime.After(t) {
			t = c.LastTransitionTime
		}
	}
	return t
}

// evidenceOf builds a finding's evidence from an object's conditions.
func evidenceOf(now time.Time, cs []snapshot.Condition, counts map[string]int64) *Evidence {
	e := &Evidence{Counts: counts, Since: lastChange(cs)}
	e.For = text.Age(now, e.Since)
	for _, c := range troubled(cs) {
		e.Conditions = append(e.Conditions, EvidenceCondition{Type: c.Type, Status: c.Status, Reason: c.Reason,
			Message: text.OneLine(c.Message), Since: c.LastTransitionTime})
	}
	return e
}

// conditionText says the most telling troubled condition in words:
// "Resized False since 2h (ScalingUp: Scaling up control plane nodes, 3
// expected (2 actual))"; "" when none.
func conditionText(now time.Time, cs []snapshot.Condition) string {
	bad := troubled(cs)
	if len(bad) == 0 {
		return ""
	}
	// Ready's message often only repeats another's: prefer the first with
	// a message of its own.
	c := bad[0]
	for _, b := range bad {
		if b.Message != "" {
			c = b
			break
		}
	}
	return describeCondition(now, c)
}

// describeCondition says one condition in its own words: "Ready False
// since 2h (Reason: message)".
func describeCondition(now time.Time, c snapshot.Condition) string {
	s := c.Type + " " + c.Status
	if age := text.Age(now, c.LastTransitionTime); age != "" {
		s += " since " + age
	}
	var why []string
	if c.Reason != "" {
		why = append(why, c.Reason)
	}
	if c.Message != "" {
		why = append(why, text.OneLine(c.Message))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, ": ") + ")"
	}
	return s
}

// stuckFor: the object has seen no change for longer than stuckAfter.
func stuckFor(now, since time.Time) bool {
	return !now.IsZero() && !since.IsZero() && now.Sub(since) > stuckAfter
}

func ageText(now, t time.Time) string {
	if a := text.Age(now, t); a != "" {
		return a
	}
	return "an unknown time"
}

func countText(n int64, what string) string { return fmt.Sprintf("%d %s", n, what) }
