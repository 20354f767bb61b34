package diagnose

import (
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
)

// ProviderReport names the infrastructure the cluster runs on: the kind of
// its infrastructure cluster object, and the provider as users know it.
type ProviderReport struct {
	Name string `json:"name"` // vSphere, CloudStack, ...; the kind when EKS-A has no name for it
	Kind string `json:"kind"` // VSphereCluster, CloudStackCluster, ...
}

// providerReport reads the provider off the cluster's infrastructure cluster
// object, on whichever side holds it; nil when neither does.
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
	return nil
}
