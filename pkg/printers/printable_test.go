package printers

import (
	"bytes"
	"strings"
	"testing"
)

// hostile is status text a user with write access to an object's status
// could plant: a colour, a screen clear, a window title, a bell, a carriage
// return that hides what came before.
const hostile = "ok\x1b[2J\x1b]0;pwned\a\rALL GOOD\x1b[0m"

// TestPrintStatus_ControlCharacters: no control character read from a
// cluster reaches the terminal raw, in any column or section.
func TestPrintStatus_ControlCharacters(t *testing.T) {
	r := strandedReport()
	r.Machines[0].Phase = hostile
	r.Tree.Children[1].Children[0].Message = hostile
	r.Tree.Children[1].Children[0].Reason = hostile
	r.Nodes[0].Version = hostile
	r.Clusters[1].Error = hostile
	r.Findings[0].Message = hostile
	r.NextSteps[0].Why = hostile
	r.Reasons = []string{hostile}
	for _, color := range []bool{false, true} {
		var out bytes.Buffer
		if err := PrintStatus(&out, r, StatusOptions{Now: now, Color: color}); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if color {
			got = strings.NewReplacer("\x1b[0m", "", "\x1b[1m", "", "\x1b[31m", "", "\x1b[32m", "", "\x1b[33m", "", "\x1b[2m", "").Replace(got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }); i >= 0 {
			t.Errorf("PrintStatus(color %v) printed control character %q raw:\n%q", color, got[i], got)
		}
		if n := strings.Count(got, `ok\x1b[2J\x1b]0;pwned\x07\x0dALL GOOD\x1b[0m`); n < 8 {
			t.Errorf("PrintStatus(color %v) shows the escaped text %d times, want once per planted field (8):\n%s", color, n, got)
		}
	}
	if r.Findings[0].Message != hostile {
		t.Errorf("PrintStatus changed the caller's report: %q", r.Findings[0].Message)
	}
}
