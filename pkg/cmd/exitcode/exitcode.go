// Package exitcode holds the plugin's exit codes (README, "Exit codes"): a
// command that has already said what it had to returns one to make the
// process exit with it. It holds nothing else.
package exitcode

import "fmt"

// Code is returned by a command that has already said what it had to and
// only needs the process to exit with this code: `status` exits 2 for any
// state but Healthy, `verify` 2 when the move is not complete.
type Code int

// Exit codes.
const (
	OK       Code = 0
	Failed   Code = 1 // bad input or a failure: the message names the fix
	NotReady Code = 2 // the answer is not "all is well"
)

func (c Code) Error() string { return fmt.Sprintf("exit status %d", int(c)) }
