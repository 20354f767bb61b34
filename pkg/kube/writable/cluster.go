package writable

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/objgraph"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// Cluster is one API server a command writes to (the mover, unpause), with
// the kinds it serves discovered once.
type Cluster struct {
	Name string // "bootstrap" or "management", for messages
	// HoldsOneCluster: eksctl's KinD, made for one cluster, holds that
	// cluster's objects only (objgraph.Side.OneCluster).
	HoldsOneCluster bool
	Dyn             dynamic.Interface
	// Disc answers which versions the server serves, when an object is in
	// another version than the preferred one.
	Disc discovery.DiscoveryInterface
	// Resources are the moveable kinds the server serves, by group and
	// kind, and the core Secrets and ConfigMaps a move carries with them.
	Resources map[schema.GroupKind]kube.Resource
	// Kinds are the moveable kinds' CRD labels, as objgraph reads them.
	Kinds objgraph.Kinds
	// EKSA are EKS-A's own kinds (never moved; unpause patches them).
	EKSA map[schema.GroupKind]kube.Resource
	// Providers is clusterctl's inventory in the version served, nil
	// when the server has none.
	Providers *kube.Resource
}

// Connect discovers the server's kinds once, within ctx.
func Connect(ctx context.Context, name string, cfg *rest.Config) (*Cluster, error) {
	// client-go's default 5 requests/s would make a 1,000-Machine move crawl;
	// 50/s still held a 100-Machine move (~2,600 requests) to 50 s. These are
	// clusterctl's own (cmd/clusterctl/client/cluster/proxy.go).
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 500, 1000
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	clients, err := kube.NewClients(cfg)
	if err != nil {
		return nil, err
	}
	found, err := kube.DiscoverResources(ctx, clients.Meta, clients.Disc)
	if err != nil {
		return nil, fmt.Errorf("the %s cluster (%s) does not answer: %w", name, cfg.Host, err)
	}
	// Only eksctl's KinD is named so: it holds one cluster's objects.
	c := &Cluster{Name: name, HoldsOneCluster: name == "bootstrap", Dyn: dyn, Disc: clients.Disc, Providers: found.Providers, Kinds: kube.KindFlagsOf(found.Moveable),
		Resources: map[schema.GroupKind]kube.Resource{}, EKSA: map[schema.GroupKind]kube.Resource{}}
	for _, r := range found.Moveable {
		c.Resources[r.GroupKind()] = r
	}
	for _, r := range kube.CoreKinds {
		c.Resources[r.GroupKind()] = r
	}
	for _, r := range found.EKSA {
		c.EKSA[r.GroupKind()] = r
	}
	return c, nil
}

// Resource returns the client for objects of group and kind in eksa-system.
func (c *Cluster) Resource(gk schema.GroupKind) (dynamic.ResourceInterface, kube.Resource, error) {
	r, ok := c.Resources[gk]
	if !ok {
		return nil, r, fmt.Errorf("the %s cluster has no CRD for %s: install its provider first", c.Name, gk)
	}
	return c.Dyn.Resource(r.GVR).Namespace(eksa.Namespace), r, nil
}

// ListProviders reads the cluster's clusterctl inventory in every
// namespace; a cluster without the inventory's CRD has no providers.
func (c *Cluster) ListProviders(ctx context.Context) ([]snapshot.Provider, error) {
	if c.Providers == nil {
		return nil, nil
	}
	l, err := c.Dyn.Resource(c.Providers.GVR).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the provider inventory of the %s cluster: %w", c.Name, err)
	}
	out := make([]snapshot.Provider, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, snapshot.ProviderOf(&l.Items[i]))
	}
	return out, nil
}
