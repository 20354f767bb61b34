package snapshot

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// Namespace is where EKS-A keeps every CAPI object.
const Namespace = "eksa-system"

// LabelClusterctl marks the CRDs whose objects clusterctl moves.
const LabelClusterctl = "clusterctl.cluster.x-k8s.io"

// listParallelism bounds concurrent lists against one API server.
const listParallelism = 8

// Source is one cluster to read. Config is nil when no kubeconfig was found.
type Source struct {
	Role       Role
	Kubeconfig string
	Context    string
	Config     *rest.Config
}

// Read reads both clusters concurrently, each within timeout. It never
// writes and never fails: what could not be read is recorded in the state.
func Read(ctx context.Context, mgmt, boot Source, timeout time.Duration, now time.Time) *Snapshot {
	s := &Snapshot{ReadAt: now}
	var wg sync.WaitGroup
	wg.Go(func() { s.Management = readCluster(ctx, mgmt, timeout) })
	wg.Go(func() { s.Bootstrap = readCluster(ctx, boot, timeout) })
	wg.Wait()
	return s
}

func readCluster(ctx context.Context, src Source, timeout time.Duration) ClusterState {
	st := ClusterState{Role: src.Role, Kubeconfig: src.Kubeconfig, Context: src.Context}
	if src.Config == nil {
		return st
	}
	st.Configured = true
	st.Server = src.Config.Host
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	start := time.Now()
	r, err := newReader(src.Config)
	if err != nil {
		st.Error = oneLine(err)
		return st
	}
	err = r.read(ctx, &st)
	st.Requests = int(r.requests.Load())
	klog.V(2).Infof("read %s cluster in %s with %d requests", src.Role, time.Since(start).Round(time.Millisecond), st.Requests)
	if err != nil {
		st.Reachable, st.Forbidden, st.Error = classify(err)
		if st.Forbidden {
			st.Error = oneLine(err) + ": the kubeconfig's user needs read access to CRDs, nodes and eksa-system"
		}
	}
	return st
}

type reader struct {
	dyn      dynamic.Interface
	meta     metadata.Interface
	disc     discovery.DiscoveryInterface
	requests atomic.Int64
}

func newReader(cfg *rest.Config) (*reader, error) {
	r := &reader{}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 100, 200
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, &r.requests} })
	var err error
	if r.dyn, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if r.meta, err = metadata.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if r.disc, err = discovery.NewDiscoveryClientForConfig(cfg); err != nil {
		return nil, err
	}
	return r, nil
}

// read finds the moveable kinds once, then lists each kind once: the
// request count does not grow with the number of objects.
func (r *reader) read(ctx context.Context, st *ClusterState) error {
	found, err := DiscoverResources(ctx, r.meta, r.disc)
	if err != nil {
		return err
	}
	capi, eksa, providers := found.Moveable, found.EKSA, found.Providers

	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, listParallelism)
	)
	do := func(f func() error) {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	for _, res := range capi {
		do(func() error {
			items, err := r.list(ctx, res, Namespace)
			mu.Lock()
			defer mu.Unlock()
			for i := range items {
				st.Raw = append(st.Raw, &items[i])
			}
			return err
		})
	}
	for _, res := range eksa {
		do(func() error {
			items, err := r.list(ctx, res, "")
			mu.Lock()
			defer mu.Unlock()
			for i := range items {
				st.EKSA = append(st.EKSA, toObject(&items[i]))
			}
			return err
		})
	}
	do(func() error {
		items, err := r.list(ctx, Resource{GVR: schema.GroupVersionResource{Version: "v1", Resource: "nodes"}}, "")
		mu.Lock()
		defer mu.Unlock()
		for i := range items {
			st.Nodes = append(st.Nodes, toNode(&items[i]))
		}
		return err
	})
	if providers != nil {
		do(func() error {
			items, err := r.list(ctx, *providers, "")
			mu.Lock()
			defer mu.Unlock()
			for i := range items {
				st.Providers = append(st.Providers, toProvider(&items[i]))
			}
			return err
		})
	}
	do(func() error {
		image, err := r.controllerImage(ctx)
		st.ControllerImage = image
		return err
	})
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	st.Reachable = true
	finish(st)
	return nil
}

func (r *reader) list(ctx context.Context, res Resource, ns string) ([]unstructured.Unstructured, error) {
	var ri dynamic.ResourceInterface = r.dyn.Resource(res.GVR)
	if res.Namespaced && ns != "" {
		ri = r.dyn.Resource(res.GVR).Namespace(ns)
	}
	// No Limit: one request whatever the number of objects.
	l, err := ri.List(ctx, metav1.ListOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	klog.V(4).Infof("listed %d %s", len(l.Items), res.GVR.GroupResource())
	return l.Items, nil
}

func (r *reader) controllerImage(ctx context.Context) (string, error) {
	gvr := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	d, err := r.dyn.Resource(gvr).Namespace(Namespace).Get(ctx, "eksa-controller-manager", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		if m, ok := c.(map[string]any); ok {
			if image, _ := m["image"].(string); image != "" {
				return image, nil
			}
		}
	}
	return "", nil
}

// finish derives the typed views from the raw objects, sorted.
func finish(st *ClusterState) {
	sort.Slice(st.Raw, func(i, j int) bool {
		a, b := st.Raw[i], st.Raw[j]
		if a.GetKind() != b.GetKind() {
			return a.GetKind() < b.GetKind()
		}
		return a.GetName() < b.GetName()
	})
	for _, u := range st.Raw {
		st.Objects = append(st.Objects, toObject(u))
		if u.GetKind() == "Machine" && groupOf(u.GetAPIVersion()) == capiGroup {
			st.Machines = append(st.Machines, toMachine(u))
		}
	}
	sort.Slice(st.EKSA, func(i, j int) bool { return st.EKSA[i].Kind+"/"+st.EKSA[i].Name < st.EKSA[j].Kind+"/"+st.EKSA[j].Name })
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].Name < st.Nodes[j].Name })
	sort.Slice(st.Providers, func(i, j int) bool { return st.Providers[i].Name < st.Providers[j].Name })
}

// countingTransport counts API requests, so tests and benchmarks can hold
// the read to a fixed number whatever the cluster's size.
type countingTransport struct {
	rt http.RoundTripper
	n  *atomic.Int64
}

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	// A 429 is the server's flow control asking client-go to retry: the
	// retry is counted, the throttled attempt is not.
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		c.n.Add(1)
	}
	if resp != nil {
		klog.V(5).Infof("%s %s %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return resp, err
}
