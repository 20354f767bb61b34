package testworld

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld/crds"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// standInReasons are the only kinds allowed a stand-in, by group (or
// group/Kind), each with why no Go module carries it.
var standInReasons = map[string]string{
	eksa.GroupEKSA: "EKS-A's own CRDs: the module proxy refuses github.com/aws/eks-anywhere",
	"infrastructure.cluster.x-k8s.io/TinkerbellCluster":         "CAPT is not served by the module proxy",
	"infrastructure.cluster.x-k8s.io/TinkerbellMachine":         "CAPT is not served by the module proxy",
	"infrastructure.cluster.x-k8s.io/TinkerbellMachineTemplate": "CAPT is not served by the module proxy",
	"infrastructure.cluster.x-k8s.io/AWSSnowCluster":            "CAPAS is not public",
	"infrastructure.cluster.x-k8s.io/AWSSnowMachine":            "CAPAS is not public",
	"infrastructure.cluster.x-k8s.io/AWSSnowMachineTemplate":    "CAPAS is not public",
	"infrastructure.cluster.x-k8s.io/AWSSnowIPPool":             "CAPAS is not public",
}

// everyWorldCRD loads, for each flavour and provider, what the world installs.
func everyWorldCRD(t *testing.T) map[string][]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	out := map[string][]*apiextensionsv1.CustomResourceDefinition{}
	for _, f := range Flavours {
		capi, err := CAPICRDs(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range Providers {
			list, err := ProviderCRDs(f, p)
			if err != nil {
				t.Fatal(err)
			}
			out[string(f)+"/"+string(p)] = append(append([]*apiextensionsv1.CustomResourceDefinition{}, capi...), list...)
		}
	}
	return out
}

// TestStandInsOnlyWhereNoModuleCarriesTheCRD: a stand-in used for a kind a
// module carries would let the world accept what the real schema prunes or
// rejects. Every stand-in must be on the list above, and no source module of
// any era may define the same CRD.
func TestStandInsOnlyWhereNoModuleCarriesTheCRD(t *testing.T) {
	fromModules := map[string]string{}
	for _, f := range Flavours {
		sources := append(capiSources(f), etcdadmSources(f)...)
		for _, p := range Providers {
			infra, _, err := infraSources(f, p)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, infra...)
		}
		for _, s := range sources {
			list, err := crds.Load(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, crd := range list {
				fromModules[crd.Name] = s.String()
			}
		}
	}
	standIns, err := crds.StandIns()
	if err != nil {
		t.Fatal(err)
	}
	for _, crd := range standIns {
		if src, ok := fromModules[crd.Name]; ok {
			t.Errorf("%s is a stand-in, but %s carries the real CRD: load it from there", crd.Name, src)
		}
		gk := crd.Spec.Group + "/" + crd.Spec.Names.Kind
		if standInReasons[gk] == "" && standInReasons[crd.Spec.Group] == "" {
			t.Errorf("%s is a stand-in with no reason on the list", gk)
		}
	}
}

// TestWorldCRDs_PinUpstreamFacts pins facts of the real CRDs the plugin's
// behaviour depends on, per era.
func TestWorldCRDs_PinUpstreamFacts(t *testing.T) {
	all := everyWorldCRD(t)
	for _, tc := range []struct {
		world, name, storage, provider string
		labels                         map[string]string // more labels that must be there ("" = present, any value)
	}{
		// EKS-A's fork carries managedExternalEtcdRef natively (checked below).
		{"v1beta1/vsphere", "clusters.cluster.x-k8s.io", "v1beta1", "cluster-api", nil},
		{"v1beta2/vsphere", "clusters.cluster.x-k8s.io", "v1beta2", "cluster-api", nil},
		{"v1beta2/vsphere", "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", "v1beta2", "control-plane-kubeadm",
			map[string]string{"cluster.x-k8s.io/v1beta2": "v1beta2"}},
		// CAPV stays on v1beta1 in both eras and declares only the v1beta1 contract.
		{"v1beta1/vsphere", "vspherevms.infrastructure.cluster.x-k8s.io", "v1beta1", "infrastructure-vsphere",
			map[string]string{"cluster.x-k8s.io/v1beta1": "v1beta1"}},
		{"v1beta2/vsphere", "vspheremachines.infrastructure.cluster.x-k8s.io", "v1beta1", "infrastructure-vsphere", nil},
		{"v1beta1/vsphere", "etcdadmclusters.etcdcluster.cluster.x-k8s.io", "v1beta1", "bootstrap-etcdadm-controller", nil},
		{"v1beta2/vsphere", "etcdadmconfigs.bootstrap.cluster.x-k8s.io", "v1beta1", "bootstrap-etcdadm-bootstrap", nil},
		{"v1beta1/cloudstack", "cloudstackclusters.infrastructure.cluster.x-k8s.io", "v1beta3", "infrastructure-cloudstack",
			map[string]string{"cluster.x-k8s.io/v1beta1": "v1beta3"}},
		{"v1beta1/cloudstack", "cloudstackfailuredomains.infrastructure.cluster.x-k8s.io", "v1beta3", "infrastructure-cloudstack", nil},
		{"v1beta1/nutanix", "nutanixmachinetemplates.infrastructure.cluster.x-k8s.io", "v1beta1", "infrastructure-nutanix", nil},
		{"v1beta1/docker", "dockermachinetemplates.infrastructure.cluster.x-k8s.io", "v1beta1", "infrastructure-docker", nil},
		{"v1beta2/docker", "dockermachinetemplates.infrastructure.cluster.x-k8s.io", "v1beta2", "infrastructure-docker", nil},
		// The Tinkerbell stack's CRDs come from its Helm chart: no provider
		// label. tink v0.8.0's Hardware carries no clusterctl label either, so
		// neither clusterctl move nor a label-driven mover finds it in the KinD
		// era; from tink v0.12 it is labelled for clusterctl move.
		{"v1beta1/tinkerbell", "hardware.tinkerbell.org", "v1alpha1", "", nil},
		{"v1beta2/tinkerbell", "hardware.tinkerbell.org", "v1alpha1", "",
			map[string]string{eksa.LabelClusterctl: "", eksa.LabelMove: ""}},
		{"v1beta1/tinkerbell", "machines.bmc.tinkerbell.org", "v1alpha1", "", nil},
		{"v1beta1/snow", "awssnowippools.infrastructure.cluster.x-k8s.io", "v1beta1", "infrastructure-snow", nil},
	} {
		crd := findCRD(all[tc.world], tc.name)
		if crd == nil {
			t.Errorf("%s: no CRD %s", tc.world, tc.name)
			continue
		}
		if len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Name != tc.storage || !crd.Spec.Versions[0].Storage {
			t.Errorf("%s %s: versions %v, want %s served alone as storage", tc.world, tc.name, versionNames(crd), tc.storage)
		}
		if got := crd.Labels[eksa.LabelProvider]; got != tc.provider {
			t.Errorf("%s %s: provider label %q, want %q", tc.world, tc.name, got, tc.provider)
		}
		if _, ok := crd.Labels[eksa.LabelClusterctl]; tc.provider != "" && !ok {
			t.Errorf("%s %s: no clusterctl label", tc.world, tc.name)
		}
		for k, v := range tc.labels {
			if got, ok := crd.Labels[k]; !ok || (v != "" && got != v) {
				t.Errorf("%s %s: label %s=%q, want %q", tc.world, tc.name, k, got, v)
			}
		}
	}
	for _, world := range []string{"v1beta1/vsphere", "v1beta2/vsphere"} {
		spec := findCRD(all[world], "clusters.cluster.x-k8s.io").Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
		if _, ok := spec.Properties["managedExternalEtcdRef"]; !ok {
			t.Errorf("%s: Cluster.spec has no managedExternalEtcdRef: not EKS-A's fork", world)
		}
	}
}

// TestWorldCRDs_PassAPIServerValidation runs the API server's own CRD
// validation on every CRD as the world serves it (storage version only).
func TestWorldCRDs_PassAPIServerValidation(t *testing.T) {
	seen := map[string]bool{}
	for world, list := range everyWorldCRD(t) {
		for _, crd := range list {
			key := world[:strings.Index(world, "/")] + "/" + crd.Name
			if seen[key] {
				continue
			}
			seen[key] = true
			if err := crds.Validate(crd); err != nil {
				t.Errorf("%s %s: %v", world, crd.Name, err)
			}
		}
	}
}

func findCRD(list []*apiextensionsv1.CustomResourceDefinition, name string) *apiextensionsv1.CustomResourceDefinition {
	for _, crd := range list {
		if crd.Name == name {
			return crd
		}
	}
	return nil
}

func versionNames(crd *apiextensionsv1.CustomResourceDefinition) []string {
	var out []string
	for _, v := range crd.Spec.Versions {
		out = append(out, v.Name)
	}
	return out
}
