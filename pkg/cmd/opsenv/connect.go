package opsenv

import (
	"context"
	"fmt"
	"time"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/cmd/cmdutil"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/reader"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Connect opens the mover's clients to a cluster, within timeout (the
// user's --request-timeout: Resolved.Timeout; 0 is none); one without a
// kubeconfig is an error naming the flag to pass.
func Connect(ctx context.Context, src reader.Source, timeout time.Duration) (*writable.Cluster, error) {
	flag := "--kubeconfig"
	if src.Role == snapshot.Bootstrap {
		flag = "--bootstrap-kubeconfig"
	}
	if src.Config == nil {
		return nil, fmt.Errorf("no kubeconfig for the %s cluster: pass %s", src.Role, flag)
	}
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	c, err := writable.Connect(ctx, string(src.Role), src.Config)
	if err != nil {
		return nil, fmt.Errorf("%w; start its API server, or pass %s (and its context) for one that answers", err, flag)
	}
	return c, nil
}

// ConnectBoth opens the mover's clients to both clusters. Without a KinD
// kubeconfig, boot is nil unless needBootstrap, when that is an error.
func ConnectBoth(ctx context.Context, r *cmdutil.Resolved, needBootstrap bool) (boot, mgmt *writable.Cluster, err error) {
	if r.Bootstrap.Config != nil || needBootstrap {
		if boot, err = Connect(ctx, r.Bootstrap, r.Timeout); err != nil {
			return nil, nil, err
		}
	}
	if mgmt, err = Connect(ctx, r.Management, r.Timeout); err != nil {
		return nil, nil, err
	}
	return boot, mgmt, nil
}

// withTimeout is context.WithTimeout for --request-timeout, whose 0 is no
// timeout (as kubectl's), not one already expired.
func withTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, timeout)
}
