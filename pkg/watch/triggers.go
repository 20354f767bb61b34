package watch

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// watchedKinds are the CAPI and EKS-A kinds status shows (the condition
// tree, the machines) by group-less kind; Nodes are added on their own.
var watchedKinds = map[string]bool{
	"Cluster": true, "Machine": true, "MachineDeployment": true, "MachineSet": true,
	"KubeadmControlPlane": true, "EtcdadmCluster": true,
}

var nodesGVR = schema.GroupVersionResource{Version: "v1", Resource: "nodes"}

// Retry bounds: after a watch error the watch is re-listed after 1 s,
// doubling to at most 30 s while errors repeat.
const (
	retryFirst = time.Second
	retryMax   = 30 * time.Second
	// serverTimeout ends each watch on the server after 5 minutes (then it
	// is re-listed): long enough to cost nothing while idle.
	serverTimeout = int64(5 * 60)
)

// Trigger watches one cluster's status kinds and sends on changed (never
// blocking: a full channel already holds a pending re-read) for every
// event. It returns when ctx ends. A cluster that does not answer is
// retried with backoff; the fallback interval covers it meanwhile.
func Trigger(ctx context.Context, name string, cfg *rest.Config, changed chan<- struct{}) {
	if cfg == nil {
		return
	}
	cfg = rest.CopyConfig(cfg)
	// The request timeout would cut every watch short, and each cut costs
	// a list and a new watch: watches end on the server's timeout instead.
	cfg.Timeout = 0
	clients, err := kube.NewClients(cfg)
	if err != nil {
		return
	}
	retry := retryFirst
	for ctx.Err() == nil {
		found, err := kube.DiscoverResources(ctx, clients.Meta, clients.Disc)
		if err == nil {
			watchAll(ctx, name, clients.Meta, resourcesOf(found), changed)
			return
		}
		klog.V(2).Infof("watch: discovering the %s cluster's kinds: %v", name, err)
		if !sleep(ctx, retry) {
			return
		}
		retry = min(2*retry, retryMax)
	}
}

type resource struct {
	gvr        schema.GroupVersionResource
	namespaced bool
}

func resourcesOf(found kube.Resources) []resource {
	out := []resource{{gvr: nodesGVR}}
	for _, r := range found.Moveable {
		if watchedKinds[r.Kind] {
			out = append(out, resource{gvr: r.GVR, namespaced: true})
		}
	}
	for _, r := range found.EKSA {
		if r.Kind == "Cluster" {
			out = append(out, resource{gvr: r.GVR, namespaced: true})
		}
	}
	return out
}

func watchAll(ctx context.Context, name string, meta metadata.Interface, res []resource, changed chan<- struct{}) {
	done := make(chan struct{}, len(res))
	for _, r := range res {
		go func() {
			defer func() { done <- struct{}{} }()
			watchOne(ctx, name, meta, r, changed)
		}()
	}
	for range res {
		<-done
	}
}

// watchOne lists (one object, for the collection's resourceVersion) then
// watches from there, so an idle watch sends nothing; on a watch error or
// end it lists again and signals, since events may have been missed.
func watchOne(ctx context.Context, name string, meta metadata.Interface, r resource, changed chan<- struct{}) {
	client := meta.Resource(r.gvr)
	var ri metadata.ResourceInterface = client
	if r.namespaced {
		ri = client.Namespace(eksa.Namespace)
	}
	retry := retryFirst
	for first := true; ctx.Err() == nil; first = false {
		list, err := ri.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			klog.V(2).Infof("watch: listing %s on the %s cluster: %v", r.gvr.Resource, name, err)
			if !sleep(ctx, retry) {
				return
			}
			retry = min(2*retry, retryMax)
			continue
		}
		if !first {
			signal(changed) // what happened between the watches is unknown
		}
		timeout := serverTimeout
		w, err := ri.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, TimeoutSeconds: &timeout, AllowWatchBookmarks: true})
		if err != nil {
			klog.V(2).Infof("watch: watching %s on the %s cluster: %v", r.gvr.Resource, name, err)
			if !sleep(ctx, retry) {
				return
			}
			retry = min(2*retry, retryMax)
			continue
		}
		retry = retryFirst
		for ev := range w.ResultChan() {
			if ev.Type == "BOOKMARK" {
				continue
			}
			klog.V(4).Infof("watch: %s %s on the %s cluster", ev.Type, r.gvr.Resource, name)
			signal(changed)
		}
		w.Stop()
	}
}

func signal(changed chan<- struct{}) {
	select {
	case changed <- struct{}{}:
	default:
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
