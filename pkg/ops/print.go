package ops

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/backup"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/mover"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// The reports of the operations: what move, verify and restore found on
// the clusters, and what backup wrote. Each prints; the command turns a
// report that is not "all is well" into its exit code.

// PrintVerification prints whether the from cluster holds none of the
// objects and the to cluster all of the backup's, listing what is not so.
func PrintVerification(w io.Writer, v *mover.Verification, from, to string) error {
	if v.OK() {
		_, err := fmt.Fprintf(w, "Verified: the %s cluster holds none of the objects; the %s cluster holds all %d, as backed up\n", from, to, v.Checked)
		return err
	}
	fmt.Fprintln(w, "Not verified:")
	return errors.Join(
		list(w, "still on the "+from+" cluster", v.LeftInSource, ""),
		list(w, "missing on the "+to+" cluster", v.MissingOnTarget, ""),
		list(w, "different from the backup", v.Differs, ""),
		list(w, "references the "+to+" cluster does not resolve", v.Unresolved, ""))
}

// PrintRestore prints what a restore from the folder from did and whether
// the management cluster now holds the backup.
func PrintRestore(w io.Writer, from string, res *mover.RestoreResult, v *mover.Verification) error {
	fmt.Fprintf(w, "Restored %d objects from %s: %d created, %d already there and skipped, %d updated\n",
		res.Objects, from, res.Created, res.Skipped, res.Updated)
	if len(res.Unpaused) > 0 {
		fmt.Fprintf(w, "Unpaused: %s\n", text.Printable(strings.Join(res.Unpaused, ", ")))
	}
	if len(res.LeftPaused) > 0 {
		fmt.Fprintf(w, "Left paused, as the backup recorded them: %s\n", text.Printable(strings.Join(res.LeftPaused, ", ")))
	}
	if v.OK() {
		_, err := fmt.Fprintf(w, "Verified: the management cluster holds all %d objects, as backed up\n", v.Checked)
		return err
	}
	fmt.Fprintln(w, "Not verified:")
	hint := ""
	if res.Skipped > 0 {
		hint = " (those that were already there were skipped: --force overwrites them)"
	}
	return errors.Join(
		list(w, "missing on the management cluster", v.MissingOnTarget, ""),
		list(w, "different from the backup", v.Differs, hint))
}

// PrintBackup prints where a backup of cluster's objects was written.
func PrintBackup(w io.Writer, cluster, dir string, m *backup.Manifest) error {
	_, err := fmt.Fprintf(w, "Backed up %d objects of %s to %s (manifest %s)\n", len(m.Objects), cluster, dir, backup.ManifestPath(dir))
	return err
}

func list(w io.Writer, what string, keys []string, hint string) error {
	if len(keys) == 0 {
		return nil
	}
	// Keys name objects read from a cluster: kinds and names are the API
	// server's to check, but printed as a terminal cannot act on them.
	_, err := fmt.Fprintf(w, "  %s (%d): %s%s\n", what, len(keys), text.Printable(strings.Join(keys, ", ")), hint)
	return err
}
