package move

import (
	"fmt"
	"io"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
)

// Report prints a verification and returns exit 2 when it failed.
func Report(w io.Writer, v *mover.Verification, from, to string) error {
	if v.OK() {
		fmt.Fprintf(w, "Verified: the %s cluster holds none of the objects; the %s cluster holds all %d, as backed up\n", from, to, v.Checked)
		return nil
	}
	list := func(what string, keys []string) {
		if len(keys) > 0 {
			fmt.Fprintf(w, "  %s (%d): %s\n", what, len(keys), strings.Join(keys, ", "))
		}
	}
	fmt.Fprintln(w, "Not verified:")
	list("still on the "+from+" cluster", v.LeftInSource)
	list("missing on the "+to+" cluster", v.MissingOnTarget)
	list("different from the backup", v.Differs)
	return exitcode.NotReady
}
