package options

import "fmt"

// ExitCode is returned by a command that has already said what it had to
// and only needs the process to exit with this code: `status` exits 2 for
// any state but Healthy, `verify` 2 when the move is not complete.
type ExitCode int

// Exit codes (README, "Exit codes").
const (
	ExitOK       ExitCode = 0
	ExitError    ExitCode = 1 // bad input or a failure: the message names the fix
	ExitNotReady ExitCode = 2 // the answer is not "all is well"
)

func (c ExitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }
