package printers

import (
	"io"
	"os"

	"golang.org/x/term"
)

const (
	red    = "31"
	green  = "32"
	yellow = "33"
)

// UseColor says whether to colour output written to w: only a terminal,
// and never when NO_COLOR is set or TERM is dumb.
func UseColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// paint colours s. tabwriter counts escape codes as width, so on a terminal
// a coloured cell can shift its row a little; files and pipes get no codes.
func (p *printer) paint(code, s string) string {
	if !p.o.Color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) bold(s string) string { return p.paint("1", s) }
