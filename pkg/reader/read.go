// Package reader reads what the plugin needs from both clusters in one
// concurrent pass into a snapshot.Snapshot, each kind in the cheapest form
// that holds what is read of it, with a number of requests that does not
// grow with the cluster. It never writes, and an unreachable or forbidden
// cluster is recorded in the snapshot, not fatal.
package reader

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// listParallelism bounds concurrent requests to one API server: enough
// that the few long lists do not hold the many short ones back.
const listParallelism = 16

// Source is one cluster to read. Config is nil when no kubeconfig was found.
type Source struct {
	Role       snapshot.Role
	Kubeconfig string
	Context    string
	Config     *rest.Config
	From       string // where Kubeconfig came from (a flag, $KUBECONFIG, the workspace), for status
}

// Options shape a read.
type Options struct {
	Timeout time.Duration // for each cluster's read; 0: none
	Now     time.Time     // the snapshot's ReadAt
	// InfraMachineSpecs reads the infrastructure machines (VSphereMachine,
	// ...) whole, for the vCenter check's placement; else as metadata.
	InfraMachineSpecs bool
	// ClusterName, when set, is the cluster being diagnosed: the
	// certificates of its Secrets on the management cluster are read
	// (their expiry only; a GET each, see certificateSecrets).
	ClusterName string
}

// Read reads both clusters concurrently, each within the timeout. It never
// writes and never fails: what could not be read is recorded in the state.
func Read(ctx context.Context, mgmt, boot Source, o Options) *snapshot.Snapshot {
	s := &snapshot.Snapshot{ReadAt: o.Now}
	var wg sync.WaitGroup
	wg.Go(func() { s.Management = readCluster(ctx, mgmt, o) })
	wg.Go(func() { s.Bootstrap = readCluster(ctx, boot, o) })
	wg.Wait()
	return s
}

func readCluster(ctx context.Context, src Source, o Options) snapshot.ClusterState {
	st := snapshot.ClusterState{Role: src.Role, Kubeconfig: src.Kubeconfig, KubeconfigFrom: src.From, Context: src.Context}
	if src.Config == nil {
		return st
	}
	st.Configured = true
	st.Server = src.Config.Host
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	start := time.Now()
	r, err := newReader(src.Config, o)
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
			st.Error = oneLine(err) + forbiddenFix(st.Error)
		}
	}
	return st
}

type reader struct {
	// rest lists the CAPI kinds and Nodes, each in the encoding cheapest to
	// produce and decode, and the few whole objects (get.go).
	rest     *rest.RESTClient
	meta     metadata.Interface
	disc     discovery.DiscoveryInterface
	opts     Options
	requests atomic.Int64

	mu        sync.Mutex
	forbidden []snapshot.Unread
}

// unread records a read refused without costing the whole read.
func (r *reader) unread(verb, resource, ns string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forbidden = append(r.forbidden, snapshot.Unread{Verb: verb, Resource: resource, Namespace: ns, Error: oneLine(err)})
}

func (r *reader) unreadReads() []snapshot.Unread {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]snapshot.Unread(nil), r.forbidden...)
	sort.Slice(out, func(i, j int) bool {
		return out[i].Resource+"/"+out[i].Namespace < out[j].Resource+"/"+out[j].Namespace
	})
	return out
}

func newReader(cfg *rest.Config, o Options) (*reader, error) {
	r := &reader{opts: o}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 100, 200
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, &r.requests} })
	c, err := kube.NewClients(cfg)
	if err != nil {
		return nil, err
	}
	r.meta, r.disc = c.Meta, c.Disc
	restCfg := rest.CopyConfig(cfg)
	restCfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	if r.rest, err = rest.UnversionedRESTClientFor(restCfg); err != nil {
		return nil, err
	}
	return r, nil
}

// read finds the moveable kinds once, then lists each kind once: the
// request count does not grow with the number of objects.
func (r *reader) read(ctx context.Context, st *snapshot.ClusterState) error {
	found, err := kube.DiscoverResources(ctx, r.meta, r.disc)
	if err != nil {
		return err
	}
	capi, eksaRes, providers := found.Moveable, found.EKSA, found.Providers

	var (
		mu          sync.Mutex
		capiObjects []readObject
		core        []readObject
		errs        []error
		wg          sync.WaitGroup
		sem         = make(chan struct{}, listParallelism)
	)
	// Requests start in the order of the calls below: the lists with one
	// object per Machine first (Machines leading), then the Nodes; their
	// encoding by the API server is the read's critical path.
	do := func(f func() error) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	listCAPI := func(res kube.Resource) {
		do(func() error {
			objects, machines, err := r.listCAPI(ctx, res)
			mu.Lock()
			defer mu.Unlock()
			capiObjects = append(capiObjects, objects...)
			st.Machines = append(st.Machines, machines...)
			return err
		})
	}
	sort.SliceStable(capi, func(i, j int) bool { return listRank(capi[i]) < listRank(capi[j]) })
	for _, res := range capi {
		if listRank(res) < 2 {
			listCAPI(res)
		}
	}
	do(func() error {
		nodes, err := r.listNodes(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.Nodes = append(st.Nodes, nodes...)
		return err
	})
	for _, res := range capi {
		if listRank(res) == 2 {
			listCAPI(res)
		}
	}
	for _, res := range eksaRes {
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
	if providers != nil {
		do(func() error {
			items, err := r.list(ctx, *providers, "")
			mu.Lock()
			defer mu.Unlock()
			for i := range items {
				st.Providers = append(st.Providers, snapshot.ProviderOf(&items[i]))
			}
			return err
		})
	}
	// The Secrets and ConfigMaps a move carries with the cluster, read as
	// metadata only: their data is never read.
	for _, res := range kube.CoreKinds {
		do(func() error {
			metas, err := r.listMetadata(ctx, res, eksa.Namespace)
			if apierrors.IsForbidden(err) {
				// A user who may not list Secrets gets a verdict without
				// them, the refusal said: never Healthy, never no verdict.
				r.unread("list", res.GVR.Resource, eksa.Namespace, err)
				err = nil
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range metas {
				core = append(core, readObject{obj: metaObject("v1", res.Kind, &metas[i].ObjectMeta),
					node: objgraph.NodeOfMeta("v1", res.Kind, &metas[i].ObjectMeta)})
			}
			return err
		})
	}
	do(func() error {
		d, err := r.deployments(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.Controllers, st.Controller, st.ControllerImage, st.SystemDeployments = d.controllers, d.eksaController, d.image, d.system
		return err
	})
	do(func() error {
		budgets, err := r.tightBudgets(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.TightBudgets = budgets
		return err
	})
	do(func() error {
		ds, err := r.daemonSets(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.DaemonSets = ds
		return err
	})
	// What else can stop an in-place upgrade: four lists, whatever the size.
	do(func() error {
		hooks, err := r.webhooks(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.Webhooks = hooks
		return err
	})
	do(func() error {
		pods, err := r.upgraderPods(ctx)
		mu.Lock()
		defer mu.Unlock()
		st.UpgraderPods = pods
		return err
	})
	if len(found.Unavailable) > 0 {
		do(func() error {
			apis, err := r.unavailableAPIs(ctx, found.Unavailable)
			mu.Lock()
			defer mu.Unlock()
			st.APIServices = apis
			return err
		})
	}
	if r.opts.ClusterName != "" && st.Role == snapshot.Management {
		do(func() error {
			certs, err := r.secretCertificates(ctx, r.opts.ClusterName)
			mu.Lock()
			defer mu.Unlock()
			st.SecretCertificates = certs
			return err
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	if err := r.wholeParts(ctx, capi, capiObjects, st.Machines); err != nil {
		return err
	}
	st.Unread = r.unreadReads()
	st.Reachable = true
	st.Kinds = kube.KindFlagsOf(capi)
	finish(st, capiObjects, core)
	return nil
}

// listRank orders the lists: Machines (0), the other kinds with one object
// per Machine (1), the rest (2).
func listRank(res kube.Resource) int {
	switch {
	case isMachine(res):
		return 0
	case perMachine(res.GroupKind()):
		return 1
	}
	return 2
}

// listCAPI lists one CAPI kind in eksa-system in the cheapest form that
// holds what is read of it, and converts it (here, in parallel, rather than
// in finish).
func (r *reader) listCAPI(ctx context.Context, res kube.Resource) ([]readObject, []snapshot.Machine, error) {
	if metadataOnly(res.GroupKind(), r.opts.InfraMachineSpecs) {
		metas, err := r.listMetadata(ctx, res, eksa.Namespace)
		apiVersion := res.GVR.GroupVersion().String()
		objects := make([]readObject, 0, len(metas))
		for i := range metas {
			objects = append(objects, readObject{obj: metaObject(apiVersion, res.Kind, &metas[i].ObjectMeta),
				node: objgraph.NodeOfMeta(apiVersion, res.Kind, &metas[i].ObjectMeta)})
		}
		return objects, nil, err
	}
	var items []*unstructured.Unstructured
	var err error
	if isMachine(res) {
		items, err = r.listMachines(ctx, res, eksa.Namespace)
	} else {
		items, err = r.listReduced(ctx, res, eksa.Namespace)
	}
	objects := make([]readObject, 0, len(items))
	var machines []snapshot.Machine
	for _, u := range items {
		objects = append(objects, readObject{obj: toObject(u), raw: u, node: objgraph.NodeOf(u)})
		if isMachine(res) {
			machines = append(machines, toMachine(u))
		}
	}
	return objects, machines, err
}

func (r *reader) list(ctx context.Context, res kube.Resource, ns string) ([]unstructured.Unstructured, error) {
	if !res.Namespaced {
		ns = ""
	}
	// No Limit: one request whatever the number of objects.
	items, err := r.listAll(ctx, res.GVR, ns, "")
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing %s: %w", res.GVR.GroupResource(), err)
	}
	klog.V(4).Infof("listed %d %s", len(items), res.GVR.GroupResource())
	return items, nil
}

// listNodes lists the Nodes as protobuf: unlike CRDs, the API server
// serves core kinds in it, several times cheaper than JSON at both ends.
func (r *reader) listNodes(ctx context.Context) ([]snapshot.Node, error) {
	var l corev1.NodeList
	err := r.rest.Get().AbsPath("/api/v1/nodes").
		SetHeader("Accept", runtime.ContentTypeProtobuf+", "+runtime.ContentTypeJSON).
		Do(ctx).Into(&l)
	if err != nil {
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	nodes := make([]snapshot.Node, 0, len(l.Items))
	for i := range l.Items {
		nodes = append(nodes, toNode(&l.Items[i]))
	}
	return nodes, nil
}

// readObject is a CAPI object as converted and, unless read as metadata
// only, as read.
type readObject struct {
	obj  snapshot.Object
	raw  *unstructured.Unstructured
	node objgraph.Node
}

// finish sorts what was read (the objects by kind, name and group, Raw
// alike) and names each object's cluster by the membership rule.
func finish(st *snapshot.ClusterState, capi, core []readObject) {
	st.Graph = make([]objgraph.Node, 0, len(capi)+len(core))
	for _, o := range append(capi[:len(capi):len(capi)], core...) {
		st.Graph = append(st.Graph, o.node)
	}
	member := objgraph.ClusterOf(st.Graph, st.Kinds)
	claim := func(o *readObject) {
		if c, ok := member[o.node.Key]; ok {
			o.obj.ClusterName = c
		}
	}
	for i := range capi {
		claim(&capi[i])
	}
	for i := range core {
		claim(&core[i])
	}
	for i := range st.Machines {
		if c, ok := member[objgraph.Key{Group: eksa.GroupCAPI, Kind: "Machine", Name: st.Machines[i].Name}]; ok {
			st.Machines[i].ClusterName = c
		}
	}
	sortObjects(core)
	for _, o := range core {
		st.Core = append(st.Core, o.obj)
	}
	sortObjects(capi)
	for _, o := range capi {
		st.Objects = append(st.Objects, o.obj)
		if o.raw != nil {
			st.Raw = append(st.Raw, o.raw)
		}
	}
	sort.Slice(st.Machines, func(i, j int) bool { return st.Machines[i].Name < st.Machines[j].Name })
	sort.Slice(st.EKSA, func(i, j int) bool { return st.EKSA[i].Kind+"/"+st.EKSA[i].Name < st.EKSA[j].Kind+"/"+st.EKSA[j].Name })
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].Name < st.Nodes[j].Name })
	sort.Slice(st.Providers, func(i, j int) bool { return st.Providers[i].Name < st.Providers[j].Name })
}

func sortObjects(capi []readObject) {
	sort.Slice(capi, func(i, j int) bool {
		a, b := &capi[i].obj, &capi[j].obj
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Group < b.Group
	})
}

func isMachine(res kube.Resource) bool {
	return res.Kind == "Machine" && res.GVR.Group == eksa.GroupCAPI
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
