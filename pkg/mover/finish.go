package mover

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
)

// A move cut off after it emptied the source but before it unpaused the
// target leaves nothing to move and the target's Clusters paused: no
// controller would ever reconcile them again. Its Lease is still there (a
// move that ends deletes it), which is how a rerun tells that apart from
// Clusters someone else paused (eksctl, the EKS-A controller), which it
// leaves alone.

// leftLocked says whether a move of cluster left its Lease on c. A
// restore's Lease is not a move's: its Clusters may be only partly
// restored, and unpausing them would let controllers replace what is
// missing with new machines.
func leftLocked(ctx context.Context, c *writable.Cluster, cluster string) (bool, error) {
	l, err := c.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace).Get(ctx, leaseName(cluster), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the move lock on the %s cluster: %w", c.Name, err)
	}
	return operation(l) == OperationMove, nil
}

// planFinish is the plan of a rerun that finds a cut-off move's leftovers:
// unpause the target's Clusters, under that move's lock.
func planFinish(p *MovePlan) {
	for _, c := range p.target.Clusters() {
		p.Unpause = append(p.Unpause, c.GetName())
	}
	fmt.Fprintf(p.o.Progress, "A cut-off move left the %s cluster empty and Cluster %s paused on the %s cluster: unpausing it finishes the move\n",
		p.o.From.Name, strings.Join(p.Unpause, ", "), p.o.To.Name)
}

// finishInterrupted does what the cut-off move had left: back up the
// target's graph, take the lock over, unpause the target's Clusters.
func finishInterrupted(ctx context.Context, p *MovePlan) (*Result, error) {
	o, names := p.o, p.Unpause
	res := &Result{Objects: 0, Unpause: names}
	// The plan read the cut-off move's Lease too: without it the Clusters
	// may be paused by someone else, who is not to be overruled.
	if locked, err := leftLocked(ctx, o.To, lockName(o.ClusterName)); err != nil || !locked {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("the clusters changed after the plan was made: the cut-off move's Lease %s/%s is gone from the %s cluster; nothing was changed: rerun move to see the new plan",
			eksa.Namespace, leaseName(lockName(o.ClusterName)), o.To.Name)
	}
	lock, err := AcquireLock(ctx, o.To, lockName(o.ClusterName), Holder(o.Now()), o.Now(), o.Progress)
	if err != nil {
		return nil, err
	}
	finished := false
	defer func() { lock.Settle(context.WithoutCancel(ctx), finished) }()
	fmt.Fprintf(o.Progress, "Backing up %d objects to %s\n", p.target.Len(), o.BackupDir)
	if err := backupAndCheck(o, p.source, p.target); err != nil {
		return nil, fmt.Errorf("backup failed, nothing was changed: %w", err)
	}
	res.BackupDir = o.BackupDir
	if err := pauseClusters(ctx, o.To, p.target, false); err != nil {
		return res, err
	}
	finished = true
	fmt.Fprintf(o.Progress, "Unpaused Cluster %s on the %s cluster\n", strings.Join(names, ", "), o.To.Name)
	return res, nil
}
