package testworld

import (
	"fmt"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld/crds"
)

// The world installs each provider's real CRDs, read from the Go module
// cache at the release EKS-A deployed in the flavour's era
// (docs/eksa-facts.md): the v1beta1 world is the KinD era (EKS-A v0.16 and
// v0.17 on EKS-A's Cluster API fork v1.4.2-eksa.1), the v1beta2 world today's
// (v0.24+, on EKS-A's current fork). Only the CRDs no Go module carries are
// stand-ins written here (crds.StandIns: CAPT, Snow's CAPAS, EKS-A's own).

// capiFork is EKS-A's Cluster API fork of the era: its Cluster carries
// spec.managedExternalEtcdRef natively, its kubeadm CRDs EKS-A's fields.
func capiFork(f Flavour) (module, version string) {
	if f == V1Beta2 {
		return "github.com/snarkychef/cluster-api", "v0.1.0"
	}
	return "github.com/abhay-krishna/cluster-api", "v1.4.2-eksa.1"
}

// capiSources are Cluster API's own providers in the fork: core, kubeadm
// bootstrap and kubeadm control plane.
func capiSources(f Flavour) []crds.Source {
	m, v := capiFork(f)
	return []crds.Source{
		{Module: m, Version: v, Dir: "config/crd/bases", Provider: "cluster-api"},
		{Module: m, Version: v, Dir: "bootstrap/kubeadm/config/crd/bases", Provider: "bootstrap-kubeadm"},
		{Module: m, Version: v, Dir: "controlplane/kubeadm/config/crd/bases", Provider: "control-plane-kubeadm"},
	}
}

// etcdadmVersions are the etcdadm bootstrap and controller releases of the
// era: their CRDs and the inventory's versions.
func etcdadmVersions(f Flavour) (bootstrap, controller string) {
	if f == V1Beta2 {
		return "v1.0.22", "v1.0.28"
	}
	return "v1.0.9", "v1.0.10"
}

// etcdadmSources are the two etcdadm providers EKS-A installs for external etcd.
func etcdadmSources(f Flavour) []crds.Source {
	bootstrap, controller := etcdadmVersions(f)
	return []crds.Source{
		{Module: "github.com/aws/etcdadm-bootstrap-provider", Version: bootstrap, Dir: "config/crd/bases", Provider: "bootstrap-etcdadm-bootstrap"},
		{Module: "github.com/aws/etcdadm-controller", Version: controller, Dir: "config/crd/bases", Provider: "bootstrap-etcdadm-controller"},
	}
}

// infraSources are the real CRDs of one infrastructure provider, and
// standIns the names of the stand-in files it needs where no module
// carries its CRDs.
func infraSources(f Flavour, p Provider) (sources []crds.Source, standIns []string, err error) {
	if _, err := ParseProvider(string(p)); err != nil {
		return nil, nil, err
	}
	info := p.info()
	version := info.versions[f]
	switch p {
	case Tinkerbell:
		// CAPT itself is a stand-in. The Tinkerbell stack (tink, rufio)
		// comes from its Helm chart, not clusterctl: no provider label, only
		// the labels its files carry.
		tink := "v0.8.0"
		if f == V1Beta2 {
			tink = "v0.12.2"
		}
		return []crds.Source{
			{Module: "github.com/tinkerbell/tink", Version: tink, Dir: "config/crd/bases"},
			{Module: "github.com/tinkerbell/rufio", Version: "v0.3.0", Dir: "config/crd/bases"},
		}, []string{"capt"}, nil
	case Snow:
		return nil, []string{"capas"}, nil
	}
	return []crds.Source{{Module: info.module, Version: version, Dir: info.crdDir, Provider: info.inventoryName}}, nil, nil
}

// CAPICRDs reads the Cluster API fork's CRDs of the flavour and clusterctl's
// provider inventory, shaped as an installed management cluster serves them.
func CAPICRDs(f Flavour) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	out, err := loadSources(capiSources(f))
	if err != nil {
		return nil, err
	}
	inventory, err := inventoryCRD(f)
	if err != nil {
		return nil, err
	}
	return append(out, inventory), nil
}

// inventoryCRD is clusterctl's Provider kind. It is not a provider CRD:
// clusterctl never moves it, so it carries no clusterctl label.
func inventoryCRD(f Flavour) (*apiextensionsv1.CustomResourceDefinition, error) {
	m, v := capiFork(f)
	all, err := loadSources([]crds.Source{{Module: m, Version: v, Dir: "cmd/clusterctl/config/crd/bases"}})
	if err != nil {
		return nil, err
	}
	for _, crd := range all {
		if crd.Spec.Names.Kind == "Provider" {
			return crd, nil
		}
	}
	return nil, fmt.Errorf("no clusterctl Provider CRD in %s@%s", m, v)
}

// ProviderCRDs reads what a management cluster of the provider has installed
// besides Cluster API: etcdadm's CRDs and the infrastructure provider's.
func ProviderCRDs(f Flavour, p Provider) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	infra, standIns, err := infraSources(f, p)
	if err != nil {
		return nil, err
	}
	out, err := loadSources(append(etcdadmSources(f), infra...))
	if err != nil {
		return nil, err
	}
	if len(standIns) == 0 {
		return out, nil
	}
	extra, err := crds.StandIns(standIns...)
	if err != nil {
		return nil, err
	}
	return append(out, extra...), nil
}

// loadSources reads every source and serves each CRD as the world needs it.
func loadSources(sources []crds.Source) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, s := range sources {
		list, err := crds.Load(s)
		if err != nil {
			return nil, err
		}
		for _, crd := range list {
			keepStorageVersionOnly(crd)
			dropUnservedContracts(crd)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		out = append(out, list...)
	}
	return out, nil
}

// keepStorageVersionOnly serves one version with no conversion webhook:
// envtest runs no webhooks, and a flavour is one contract.
func keepStorageVersionOnly(crd *apiextensionsv1.CustomResourceDefinition) {
	for _, v := range crd.Spec.Versions {
		if v.Storage {
			v.Served = true
			crd.Spec.Versions = []apiextensionsv1.CustomResourceDefinitionVersion{v}
			break
		}
	}
	crd.Spec.Conversion = nil
}

// dropUnservedContracts keeps, in each contract label, the versions the
// world still serves: a contract naming only versions the world dropped
// would send clusterctl to an API the server does not have.
func dropUnservedContracts(crd *apiextensionsv1.CustomResourceDefinition) {
	served := map[string]bool{}
	for _, v := range crd.Spec.Versions {
		served[v.Name] = v.Served
	}
	for label, versions := range crd.Labels {
		if !strings.HasPrefix(label, "cluster.x-k8s.io/v") {
			continue
		}
		var keep []string
		for v := range strings.SplitSeq(versions, "_") {
			if served[v] {
				keep = append(keep, v)
			}
		}
		if len(keep) == 0 {
			delete(crd.Labels, label)
		} else {
			crd.Labels[label] = strings.Join(keep, "_")
		}
	}
}
