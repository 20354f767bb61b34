package testworld

import (
	"context"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// seedParallelism bounds concurrent creates; one owner level at a time.
const seedParallelism = 16

// Seeder writes objects into one API server as controllers would have left
// them: owner references pointing at the owners' real UIDs, then status
// through the status subresource. envtest runs no controllers, so nothing
// else would.
type Seeder struct {
	client dynamic.Interface
	mapper meta.RESTMapper

	mu   sync.Mutex
	uids map[string]types.UID // ownerKey -> UID
	// warnings the server sent, e.g. fields its schema pruned: a seed that
	// the schema silently trims is not the seed a test asked for.
	warnings *warningCollector
}

// NewSeeder connects to a server; CRDs must be installed already, since the
// REST mapping is read once.
func NewSeeder(cfg *rest.Config) (*Seeder, error) {
	w := &warningCollector{}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = w
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	return &Seeder{client: client, mapper: mapper, uids: map[string]types.UID{}, warnings: w}, nil
}

// Apply creates objs, owners before what they own. An owner must be among
// objs or seeded earlier through the same Seeder.
func (s *Seeder) Apply(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, level := range ownerLevels(objs) {
		if err := s.applyLevel(ctx, level); err != nil {
			return err
		}
	}
	if w := s.warnings.take(); len(w) > 0 {
		return fmt.Errorf("the server changed seeded objects: %s", strings.Join(w, "; "))
	}
	return nil
}

func (s *Seeder) applyLevel(ctx context.Context, objs []*unstructured.Unstructured) error {
	return firstError(writeEach(objs, func(obj *unstructured.Unstructured) error {
		if err := s.create(ctx, obj); err != nil {
			return fmt.Errorf("seeding %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
		return nil
	}))
}

// writeEach calls f for each object, seedParallelism at once (a slot is
// taken before a goroutine starts), and returns f's errors in objs' order,
// nil for the objects that went well.
func writeEach(objs []*unstructured.Unstructured, f func(*unstructured.Unstructured) error) []error {
	errs := make([]error, len(objs))
	sem := make(chan struct{}, seedParallelism)
	var wg sync.WaitGroup
	for i, obj := range objs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = f(obj)
		})
	}
	wg.Wait()
	return errs
}

// firstError is the first error of errs in their order, nil when none.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Seeder) create(ctx context.Context, in *unstructured.Unstructured) error {
	obj := in.DeepCopy()
	status, hasStatus := obj.Object["status"]
	delete(obj.Object, "status")
	refs := obj.GetOwnerReferences()
	for i := range refs {
		uid, ok := s.uid(ownerKey(obj.GetNamespace(), refs[i].APIVersion, refs[i].Kind, refs[i].Name))
		if !ok {
			return fmt.Errorf("owner %s %s is not seeded", refs[i].Kind, refs[i].Name)
		}
		refs[i].UID = uid
	}
	if len(refs) > 0 {
		obj.SetOwnerReferences(refs)
	}
	ri, err := s.resource(obj)
	if err != nil {
		return err
	}
	created, err := createPatiently(ctx, ri, obj)
	if err != nil {
		return err
	}
	s.setUID(ownerKey(obj.GetNamespace(), obj.GetAPIVersion(), obj.GetKind(), obj.GetName()), created.GetUID())
	in.SetUID(created.GetUID())
	if !hasStatus {
		return nil
	}
	created.Object["status"] = status
	_, err = ri.UpdateStatus(ctx, created, metav1.UpdateOptions{})
	return err
}

// createAttempts is how often a create the server timed out is tried.
const createAttempts = 3

// createPatiently creates obj, trying again when the server answered that
// the write did not finish in time: on a loaded machine etcd can outlast the
// API server's deadline. Such a create may have landed all the same, so an
// AlreadyExists after a timeout reads the object back; before any timeout it
// is the error it says.
func createPatiently(ctx context.Context, ri dynamic.ResourceInterface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	timedOut := false
	for attempt := 1; ; attempt++ {
		created, err := ri.Create(ctx, obj, metav1.CreateOptions{})
		switch {
		case err == nil:
			return created, nil
		case timedOut && apierrors.IsAlreadyExists(err):
			return ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
		case (apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err)) && attempt < createAttempts && ctx.Err() == nil:
			timedOut = true
		default:
			return nil, err
		}
	}
}

// Defaulted returns in as the server would store it (its schema's defaults
// applied, by a dry-run create, or read back when it is there already) with
// in's status: what clusterctl, which reads objects from a server, writes
// into a backup.
func (s *Seeder) Defaulted(ctx context.Context, in *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	obj := in.DeepCopy()
	status, hasStatus := obj.Object["status"]
	delete(obj.Object, "status")
	ri, err := s.resource(obj)
	if err != nil {
		return nil, err
	}
	out, err := ri.Create(ctx, obj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if apierrors.IsAlreadyExists(err) {
		out, err = ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
	}
	if err != nil {
		return nil, err
	}
	out = out.DeepCopy()
	delete(out.Object, "status")
	if hasStatus {
		out.Object["status"] = status
	}
	return out, nil
}

func (s *Seeder) resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := s.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("no resource for %s: %w", gvk, err)
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		return s.client.Resource(mapping.Resource).Namespace(obj.GetNamespace()), nil
	}
	return s.client.Resource(mapping.Resource), nil
}

func (s *Seeder) uid(key string) (types.UID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	uid, ok := s.uids[key]
	return uid, ok
}

func (s *Seeder) setUID(key string, uid types.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uids[key] = uid
}

// ownerKey identifies an owner by group, kind and name: owner references
// name the owner's apiVersion, which may differ from the stored one.
func ownerKey(namespace, apiVersion, kind, name string) string {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return namespace + "/" + gv.Group + "/" + kind + "/" + name
}

// ownerLevels groups objects so each group's owners are in earlier groups:
// the groups can then be created one after another, each in parallel.
func ownerLevels(objs []*unstructured.Unstructured) [][]*unstructured.Unstructured {
	level := map[string]int{}
	var levels [][]*unstructured.Unstructured
	for _, obj := range objs {
		l := 0
		for _, ref := range obj.GetOwnerReferences() {
			if ol, ok := level[ownerKey(obj.GetNamespace(), ref.APIVersion, ref.Kind, ref.Name)]; ok && ol+1 > l {
				l = ol + 1
			}
		}
		level[ownerKey(obj.GetNamespace(), obj.GetAPIVersion(), obj.GetKind(), obj.GetName())] = l
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], obj)
	}
	return levels
}

type warningCollector struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningCollector) HandleWarningHeader(_ int, _ string, text string) {
	// Advice changes nothing the server stores: on finalizer names (CAPC's
	// own, cloudstackfailuredomain.infrastructure.cluster.x-k8s.io, draws it
	// on every real cluster) and on deprecated versions (CAPD v1.14 marks
	// its served v1beta2 deprecated: a test provider).
	if strings.HasPrefix(text, "metadata.finalizers:") && strings.Contains(text, "prefer a domain-qualified finalizer name") ||
		strings.HasSuffix(text, " is deprecated") {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

func (w *warningCollector) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}
