// Command peakrss runs a command and writes its peak resident set size, in
// KiB, to a file: what `make bench` reports as a command's memory.
//
//	peakrss -o rss.txt -- bin/kubectl-eksa_recover status
//
// It exists because a child's ru_maxrss counts the memory of the process
// that started it: Go starts children with vfork semantics, sharing the
// parent's memory until exec, and Linux carries the high-water mark across
// exec. Started from a test binary of a few hundred MB, any child "peaks"
// there. Started from this small process, the figure is the command's own.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	out := flag.String("o", "", "file to write the peak RSS (KiB) to")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss -o FILE -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peakrss: no resource usage on this platform")
		os.Exit(2)
	}
	if err := os.WriteFile(*out, fmt.Appendf(nil, "%d\n", ru.Maxrss), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(2)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
