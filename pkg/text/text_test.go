package text

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		now  time.Time
		want string
	}{
		{"seconds", now.Add(-45 * time.Second), now, "45s"},
		{"minutes", now.Add(-12 * time.Minute), now, "12m"},
		{"days", now.Add(-50 * time.Hour), now, "2d2h"},
		{"clock skew", now.Add(time.Minute), now, "0s"},
		{"no clock", now, time.Time{}, ""},
		{"no time", time.Time{}, now, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Age(tt.now, tt.t); got != tt.want {
				t.Errorf("Age(%v, %v) = %q, want %q", tt.now, tt.t, got, tt.want)
			}
		})
	}
}

func TestOneLineAndPlural(t *testing.T) {
	if got := OneLine("a\n  b\tc "); got != "a b c" {
		t.Errorf("OneLine = %q, want %q", got, "a b c")
	}
	if got := Plural(1, "object"); got != "1 object" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(0, "object"); got != "0 objects" {
		t.Errorf("Plural(0) = %q", got)
	}
}
