package kube

import (
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
)

// Clients are what reading (and the mover's writing) needs of one cluster:
// objects as unstructured, metadata-only lists for DiscoverResources, and
// discovery.
type Clients struct {
	Dyn  dynamic.Interface
	Meta metadata.Interface
	Disc discovery.DiscoveryInterface
}

// NewClients builds the three clients on one config.
func NewClients(cfg *rest.Config) (*Clients, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Clients{Dyn: dyn, Meta: meta, Disc: disc}, nil
}
