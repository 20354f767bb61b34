package diagnose

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// ProviderReport names the infrastructure the cluster runs on: the provider
// as users know it, and the kind it was read from.
type ProviderReport struct {
	Name string `json:"name"` // vSphere, CloudStack, ...
	Kind string `json:"kind"` // VSphereCluster, CloudStackCluster, ... or the EKS-A datacenter config's
}

// providerReport reads the provider off the cluster's infrastructure cluster
// object, on whichever side holds it, else off its EKS-A datacenter config
// on management (when no CAPI object is left: Missing); nil when neither
// was read.
func providerReport(f *facts) *ProviderReport {
	for _, objs := range [][]snapshot.Object{f.mgmtObjs, f.bootObjs} {
		for _, o := range objs {
			if o.Group != eksa.GroupInfrastructure {
				continue
			}
			if name, ok := eksa.Providers[o.Kind]; ok {
				return &ProviderReport{Name: name, Kind: o.Kind}
			}
		}
	}
	if f.mgmt == nil {
		return nil
	}
	for _, o := range f.mgmt.EKSA {
		if name, ok := eksa.Providers[o.Kind]; ok && o.Name == f.name {
			return &ProviderReport{Name: name, Kind: o.Kind}
		}
	}
	return nil
}
