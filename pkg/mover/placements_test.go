package mover_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// placement is where a move left an object.
type placement string

const (
	onManagement placement = "on management"
	inKinD       placement = "in KinD"
	inBoth       placement = "in KinD and on management"
	nowhere      placement = "nowhere"
)

// placements are objects by "Kind[.group] namespace/name".
type placements map[string]placement

func (ps placements) on(at placement) []string {
	var out []string
	for k, p := range ps {
		if p == at {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (ps placements) not(at placement) map[string]placement {
	out := map[string]placement{}
	for k, p := range ps {
		if p != at {
			out[k] = p
		}
	}
	return out
}

func placementKey(gk schema.GroupKind, namespace, name string) string {
	return gk.String() + " " + namespace + "/" + name
}

// newLocator returns what says where each object is: the cluster's seeded
// objects wherever they are, and every object of every kind in eksa-system
// on either server (so that an object a move made, or a kind the plugin does
// not know, is compared too).
func newLocator(t *testing.T, w *testworld.World) func(*testworld.Cluster) placements {
	t.Helper()
	type server struct {
		dyn       dynamic.Interface
		resources map[schema.GroupKind]schema.GroupVersionResource
	}
	servers := map[placement]server{}
	for at, s := range map[placement]*testworld.Server{onManagement: w.Management, inKinD: w.Bootstrap} {
		dyn, err := dynamic.NewForConfig(s.Config)
		if err != nil {
			t.Fatal(err)
		}
		dc, err := discovery.NewDiscoveryClientForConfig(s.Config)
		if err != nil {
			t.Fatal(err)
		}
		lists, err := dc.ServerPreferredNamespacedResources()
		if err != nil {
			t.Fatalf("discovering %s: %v", s.Name, err)
		}
		srv := server{dyn, map[schema.GroupKind]schema.GroupVersionResource{}}
		for _, l := range lists {
			gv, _ := schema.ParseGroupVersion(l.GroupVersion)
			for _, r := range l.APIResources {
				if slices.Contains(r.Verbs, "list") && !strings.Contains(r.Name, "/") {
					srv.resources[gv.WithKind(r.Kind).GroupKind()] = gv.WithResource(r.Name)
				}
			}
		}
		servers[at] = srv
	}
	return func(c *testworld.Cluster) placements {
		t.Helper()
		found := map[string]map[placement]bool{}
		mark := func(key string, at placement) {
			if found[key] == nil {
				found[key] = map[placement]bool{}
			}
			found[key][at] = at != nowhere
		}
		for at, s := range servers {
			// At once: a server answers the first list of a kind after
			// about a second, and the namespace has a hundred kinds.
			lists := map[schema.GroupKind]*unstructured.UnstructuredList{}
			var (
				mu   sync.Mutex
				wg   sync.WaitGroup
				errs []error
			)
			for gk, gvr := range s.resources {
				wg.Go(func() {
					l, err := s.dyn.Resource(gvr).Namespace(eksa.Namespace).List(t.Context(), metav1.ListOptions{})
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, fmt.Errorf("listing %s %s: %w", at, gvr, err))
					}
					lists[gk] = l
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			for gk, l := range lists {
				for _, u := range l.Items {
					mark(placementKey(gk, u.GetNamespace(), u.GetName()), at)
				}
			}
			for _, o := range c.Objects {
				gk := o.GroupVersionKind().GroupKind()
				key := placementKey(gk, o.GetNamespace(), o.GetName())
				mark(key, nowhere)
				gvr, ok := s.resources[gk]
				if !ok || o.GetNamespace() == eksa.Namespace {
					continue // not served there, or listed above
				}
				_, err := s.dyn.Resource(gvr).Namespace(o.GetNamespace()).Get(t.Context(), o.GetName(), metav1.GetOptions{})
				switch {
				case err == nil:
					mark(key, at)
				case !apierrors.IsNotFound(err):
					t.Fatalf("reading %s %s: %v", at, key, err)
				}
			}
		}
		out := placements{}
		for key, at := range found {
			switch {
			case at[onManagement] && at[inKinD]:
				out[key] = inBoth
			case at[onManagement]:
				out[key] = onManagement
			case at[inKinD]:
				out[key] = inKinD
			default:
				out[key] = nowhere
			}
		}
		return out
	}
}
