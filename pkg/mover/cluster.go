// Package mover moves a cluster's Cluster API objects between the KinD
// bootstrap cluster and the management cluster, on clusterctl's algorithm
// and directory format, over unstructured objects so EKS-A's extra fields
// survive and both CAPI contracts work. It never imports cobra.
package mover

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"
)

// Namespace is where EKS-A keeps every CAPI object.
const Namespace = eksa.Namespace

// Cluster is one API server the mover reads or writes.
type Cluster struct {
	Name string // "bootstrap" or "management", for messages
	Dyn  dynamic.Interface
	// Disc answers which versions the server serves, when an object is in
	// another version than the preferred one (servesVersions).
	Disc discovery.DiscoveryInterface
	// Resources are the moveable kinds the server serves, by group and kind.
	Resources map[schema.GroupKind]kube.Resource
}

// Connect discovers the server's moveable kinds once.
func Connect(ctx context.Context, name string, cfg *rest.Config) (*Cluster, error) {
	// client-go's default 5 requests/s would make a 1,000-Machine move crawl;
	// 50/s still held a 100-Machine move (~2,600 requests) to 50 s. These are
	// clusterctl's own (cmd/clusterctl/client/cluster/proxy.go).
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 500, 1000
	clients, err := kube.NewClients(cfg)
	if err != nil {
		return nil, err
	}
	found, err := kube.DiscoverResources(ctx, clients.Meta, clients.Disc)
	if err != nil {
		return nil, fmt.Errorf("the %s cluster (%s) does not answer: %w", name, cfg.Host, err)
	}
	c := &Cluster{Name: name, Dyn: clients.Dyn, Disc: clients.Disc, Resources: map[schema.GroupKind]kube.Resource{}}
	for _, r := range found.Moveable {
		c.Resources[schema.GroupKind{Group: r.GVR.Group, Kind: r.Kind}] = r
	}
	for _, core := range []struct{ kind, resource string }{{"Secret", "secrets"}, {"ConfigMap", "configmaps"}} {
		c.Resources[schema.GroupKind{Kind: core.kind}] = kube.Resource{
			GVR: schema.GroupVersionResource{Version: "v1", Resource: core.resource}, Kind: core.kind, Namespaced: true,
		}
	}
	return c, nil
}

// resource returns the client for objects of group and kind in the namespace.
func (c *Cluster) resource(gk schema.GroupKind) (dynamic.ResourceInterface, kube.Resource, error) {
	r, ok := c.Resources[gk]
	if !ok {
		return nil, r, fmt.Errorf("the %s cluster has no CRD for %s: install its provider first", c.Name, gk)
	}
	return c.Dyn.Resource(r.GVR).Namespace(Namespace), r, nil
}
