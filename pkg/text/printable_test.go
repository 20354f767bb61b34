package text

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Waiting for control plane", "Waiting for control plane"},
		{"unicode kept", "nœud prêt ✓", "nœud prêt ✓"},
		{"ESC colour", "\x1b[31mfailed\x1b[0m", `\x1b[31mfailed\x1b[0m`},
		{"BEL", "ding\a", `ding\x07`},
		{"carriage return", "ok\rFAILED", `ok\x0dFAILED`},
		{"DEL and C1", "a\x7fb\u009bc", `a\x7fb\x9bc`},
		{"right-to-left override", "abc\u202edcb", `abc\u202edcb`},
		{"tab is a space", "a\tb", "a b"},
		{"newline kept", "a\nb", "a\nb"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
