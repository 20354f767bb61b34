package kube

import (
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
)

// Clients are what finding a cluster's kinds needs: metadata-only lists
// for DiscoverResources, and discovery. Neither can write an object.
type Clients struct {
	Meta metadata.Interface
	Disc discovery.DiscoveryInterface
}

// NewClients builds both clients on one config.
func NewClients(cfg *rest.Config) (*Clients, error) {
	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Clients{Meta: meta, Disc: disc}, nil
}
