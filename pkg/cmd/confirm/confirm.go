// Package confirm is the one prompt every writing command asks before it
// writes (and its --yes flag). It never writes to a cluster itself.
package confirm

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// AddYesFlag registers --yes, the answer Confirm takes for granted, the
// same on every command that writes.
func AddYesFlag(f *pflag.FlagSet, yes *bool) {
	f.BoolVar(yes, "yes", false, "Do not ask for confirmation (needed without a terminal)")
}

// Confirm asks question on a terminal before a command writes to a cluster.
// yes (--yes) answers for scripts; without a terminal and without --yes it
// refuses, naming the flag: a pipe or CI job must never write by default.
func Confirm(streams genericiooptions.IOStreams, yes bool, question, writes string) error {
	if yes {
		return nil
	}
	in, ok := streams.In.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return fmt.Errorf("%s: pass --yes to confirm the plan above (--dry-run shows it alone)", writes)
	}
	fmt.Fprintf(streams.ErrOut, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return fmt.Errorf("not confirmed: nothing was changed")
	}
	return nil
}
