// Command kubectl-eksa_recover is the kubectl plugin `kubectl eksa-recover`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/exitcode"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	_ "k8s.io/client-go/plugin/pkg/client/auth" // exec, OIDC and other kubeconfig auth providers
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd"
)

func main() {
	os.Exit(run())
}

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
		_, _ = fmt.Fprintf(streams.ErrOut, "error: %v\n", err) // stderr gone: nothing left to tell
		return 1
	}
	return 0
}
