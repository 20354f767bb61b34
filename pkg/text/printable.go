package text

import (
	"fmt"
	"strings"
	"unicode"
)

// Printable returns s as a terminal shows it harmlessly: every control
// character a terminal would act on (an ESC that starts a colour or moves
// the cursor, a BEL, a carriage return that overwrites the line, DEL, the
// C1 controls) and the Unicode marks that reorder what is shown are written
// out as Go escapes (\x1b, \u202e), so they are seen, not obeyed. A tab
// becomes a space, which keeps table columns; a newline is kept. Text read
// from a cluster (phases, condition reasons and messages) is anyone's who
// may write status there.
func Printable(s string) string {
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case !unsafe(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func unsafe(r rune) bool {
	switch {
	case r == '\n':
		return false
	case unicode.IsControl(r): // C0, DEL and C1; the tab among them
		return true
	case r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // left-to-right and right-to-left marks, embeddings, overrides, isolates
	}
	return false
}
