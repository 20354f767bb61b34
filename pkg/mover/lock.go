package mover

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube/writable"
)

// leaseDuration is how long a lock outlives its holder's last renewal; the
// holder renews it every third of that.
const leaseDuration = 30 * time.Second

var leaseGVR = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}

// LeaseResource is the lock's resource, for the rights a move or a
// restore asks for before it takes the lock.
var LeaseResource = leaseGVR.GroupResource()

// Lock is a move's hold on the target: a Lease in its eksa-system naming
// host, pid and start, so two moves never write the same objects at once.
type Lock struct {
	c      *writable.Cluster
	name   string
	holder string
	stop   chan struct{}
	done   chan struct{}
}

// Holder names this process: host/pid/start.
func Holder(now time.Time) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), now.UTC().Format(time.RFC3339))
}

// AnnotationOperation records on the lock's Lease what holds it: a move's
// Lease left behind means an unfinished move, which a rerun finishes by
// unpausing (finish.go); a restore's must never be taken for one, as its
// Clusters may be only partly restored.
const AnnotationOperation = "eksa-recover.io/operation"

// Operations that take the lock.
const (
	OperationMove    = "move"
	OperationRestore = "restore"
)

// AcquireLock takes the move lock for cluster on c, for a move. A lock
// whose holder process is gone (same host, no such pid) or whose lease
// expired is taken over, saying so on progress, so a killed move never
// blocks its rerun.
func AcquireLock(ctx context.Context, c *writable.Cluster, cluster, holder string, now time.Time, progress io.Writer) (*Lock, error) {
	return acquireLock(ctx, c, cluster, OperationMove, holder, now, progress)
}

// operation is what holds a Lease: a move when unmarked (written before
// the mark existed).
func operation(l *unstructured.Unstructured) string {
	if op := l.GetAnnotations()[AnnotationOperation]; op != "" {
		return op
	}
	return OperationMove
}

// leaseName is the lock's Lease for cluster (lockName's): the one name
// acquireLock takes and leftLocked looks for.
func leaseName(cluster string) string { return "eksa-recover-move-" + cluster }

func acquireLock(ctx context.Context, c *writable.Cluster, cluster, op, holder string, now time.Time, progress io.Writer) (*Lock, error) {
	name := leaseName(cluster)
	ri := c.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace)
	existing, err := ri.Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		if _, err := ri.Create(ctx, lease(name, op, holder, now, nil), metav1.CreateOptions{}); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return nil, fmt.Errorf("another move of %s started just now; wait for it", cluster)
			}
			return nil, fmt.Errorf("taking the move lock on the %s cluster: %w", c.Name, err)
		}
	case err != nil:
		return nil, fmt.Errorf("reading the move lock on the %s cluster: %w", c.Name, err)
	default:
		other, _, _ := unstructured.NestedString(existing.Object, "spec", "holderIdentity")
		why, free := stale(existing, other, now)
		if !free {
			return nil, fmt.Errorf("another %s holds the lock (Lease %s/%s, holder %s): wait for it to finish; if it died, rerun after %s",
				operation(existing), eksa.Namespace, name, other, renewTime(existing).Add(leaseDuration).Format(time.RFC3339))
		}
		fmt.Fprintf(progress, "Taking over the move lock from %s: %s\n", other, why)
		if _, err := ri.Update(ctx, lease(name, op, holder, now, existing), metav1.UpdateOptions{}); err != nil {
			return nil, fmt.Errorf("taking over the move lock: %w", err)
		}
	}
	l := &Lock{c: c, name: name, holder: holder, stop: make(chan struct{}), done: make(chan struct{})}
	go l.renew(ctx)
	return l, nil
}

// stale says whether the lock's holder is gone.
func stale(existing *unstructured.Unstructured, holder string, now time.Time) (string, bool) {
	if now.After(renewTime(existing).Add(leaseDuration)) {
		return "its lease expired", true
	}
	parts := strings.SplitN(holder, "/", 3)
	host, _ := os.Hostname()
	if len(parts) == 3 && parts[0] == host {
		if pid, err := strconv.Atoi(parts[1]); err == nil && !alive(pid) {
			return fmt.Sprintf("process %d is gone", pid), true
		}
	}
	return "", false
}

func renewTime(u *unstructured.Unstructured) time.Time {
	s, _, _ := unstructured.NestedString(u.Object, "spec", "renewTime")
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func lease(name, op, holder string, now time.Time, existing *unstructured.Unstructured) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	if existing != nil {
		u = existing.DeepCopy()
	}
	u.SetAPIVersion("coordination.k8s.io/v1")
	u.SetKind("Lease")
	u.SetNamespace(eksa.Namespace)
	u.SetName(name)
	annotations := u.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AnnotationOperation] = op
	u.SetAnnotations(annotations)
	ts := metav1.NewMicroTime(now).UTC().Format("2006-01-02T15:04:05.000000Z07:00")
	_ = unstructured.SetNestedField(u.Object, map[string]any{
		"holderIdentity":       holder,
		"leaseDurationSeconds": int64(leaseDuration / time.Second),
		"acquireTime":          ts,
		"renewTime":            ts,
	}, "spec")
	return u
}

// renew keeps the lease fresh while the move runs.
func (l *Lock) renew(ctx context.Context) {
	defer close(l.done)
	t := time.NewTicker(leaseDuration / 3)
	defer t.Stop()
	ri := l.c.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace)
	for {
		select {
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		case now := <-t.C:
			u, err := ri.Get(ctx, l.name, metav1.GetOptions{})
			if err != nil {
				continue
			}
			ts := metav1.NewMicroTime(now).UTC().Format("2006-01-02T15:04:05.000000Z07:00")
			_ = unstructured.SetNestedField(u.Object, ts, "spec", "renewTime")
			_, _ = ri.Update(ctx, u, metav1.UpdateOptions{})
		}
	}
}

// Settle ends a move's hold. A move that finished deletes its lease. One
// that failed after taking it stops renewing and leaves it: the lease is
// how a rerun tells an unfinished move (finish.go) from Clusters someone
// else paused. A rerun takes it over once this process is gone or the
// lease expires, as it would after a kill.
func (l *Lock) Settle(ctx context.Context, finished bool) {
	if finished {
		_ = l.Release(ctx)
		return
	}
	close(l.stop)
	<-l.done
}

// Release stops renewing and deletes the lease.
func (l *Lock) Release(ctx context.Context) error {
	close(l.stop)
	<-l.done
	err := l.c.Dyn.Resource(leaseGVR).Namespace(eksa.Namespace).Delete(ctx, l.name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
