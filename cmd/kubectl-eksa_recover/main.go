// Command kubectl-eksa_recover is the kubectl plugin `kubectl eksa-recover`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	_ "k8s.io/client-go/plugin/pkg/client/auth" // exec, OIDC and other kubeconfig auth providers
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The plugin holds a cluster's whole object graph, some of it
		// twice (a plan and its re-read, a backup and the target): with
		// Go's default the heap grows to twice that before a collection.
		// Collecting at half the live heap took a 4,902-object move from
		// 180-256 MB to 157 MB peak RSS for the same wall time (make bench).
		debug.SetGCPercent(50)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Near this much heap the collector runs early, whatever GOGC
		// says: status on 5,000 Machines in 101 clusters (26,000 objects)
		// decodes its Lists at once and peaked at 211 MB RSS with GOGC=50
		// alone. A soft limit: a bigger cluster's heap may pass it, at the
		// cost of more collections, never of a failure.
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(run())
}

// softMemoryLimit is the heap at which the collector runs whatever GOGC
// says (see main).
const softMemoryLimit = 150 << 20

// run is split from main so deferred calls run before os.Exit.
func run() int {
	defer klog.Flush()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	if err := cmd.NewCmdRoot(streams).ExecuteContext(ctx); err != nil {
		var code exitcode.Code
		if errors.As(err, &code) {
			return int(code) // already reported
		}
		// An error may carry a cluster's words (a webhook's denial, say):
		// printed as a terminal cannot act on them.
		_, _ = fmt.Fprintf(streams.ErrOut, "error: %s\n", text.Printable(err.Error())) // stderr gone: nothing left to tell
		return 1
	}
	return 0
}
