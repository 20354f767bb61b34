package crds

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// labelContract is the contract label kustomize puts on a provider's CRDs.
const labelContract = "cluster.x-k8s.io/v1beta1"

func loadStandIns(t *testing.T) map[string]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	list, err := StandIns()
	if err != nil {
		t.Fatal(err)
	}
	byGroupKind := map[string]*apiextensionsv1.CustomResourceDefinition{}
	names := map[string]bool{}
	for _, crd := range list {
		if names[crd.Name] {
			t.Errorf("CRD %s is defined twice", crd.Name)
		}
		names[crd.Name] = true
		byGroupKind[crd.Spec.Group+"/"+crd.Spec.Names.Kind] = crd
	}
	return byGroupKind
}

// TestStandInsAreWellFormed checks what the API server would reject, or what
// would make the world differ from a real cluster, before envtest sees it.
func TestStandInsAreWellFormed(t *testing.T) {
	crds := loadStandIns(t)
	// Counts per file: capas 4, capt 3, eksa 23. A lost document shows up here.
	if len(crds) != 30 {
		t.Fatalf("%d stand-in CRDs decoded, want 30", len(crds))
	}
	for gk, crd := range crds {
		n := crd.Spec.Names
		if want := n.Plural + "." + crd.Spec.Group; crd.Name != want {
			t.Errorf("%s: name %q, want %q", gk, crd.Name, want)
		}
		if n.ListKind != n.Kind+"List" || n.Singular != strings.ToLower(n.Kind) {
			t.Errorf("%s: listKind %q singular %q", gk, n.ListKind, n.Singular)
		}
		if crd.Spec.Scope != apiextensionsv1.NamespaceScoped && crd.Spec.Scope != apiextensionsv1.ClusterScoped {
			t.Errorf("%s: scope %q", gk, crd.Spec.Scope)
		}
		storage := 0
		for _, v := range crd.Spec.Versions {
			if v.Storage {
				storage++
			}
			if !v.Served {
				t.Errorf("%s %s: not served", gk, v.Name)
			}
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				t.Errorf("%s %s: no schema", gk, v.Name)
			}
			if v.Subresources == nil || v.Subresources.Status == nil {
				t.Errorf("%s %s: no status subresource", gk, v.Name)
			}
		}
		if storage != 1 {
			t.Errorf("%s: %d storage versions, want 1", gk, storage)
		}
		checkLabels(t, gk, crd)
	}
}

// checkLabels: clusterctl move discovers kinds by the clusterctl label, so it
// must be on exactly the kinds a real management cluster moves.
func checkLabels(t *testing.T, gk string, crd *apiextensionsv1.CustomResourceDefinition) {
	t.Helper()
	_, clusterctl := crd.Labels[eksa.LabelClusterctl]
	provider := crd.Labels[eksa.LabelProvider]
	capiProvider := strings.HasSuffix(crd.Spec.Group, ".cluster.x-k8s.io")
	switch {
	case capiProvider:
		if !clusterctl || provider == "" {
			t.Errorf("%s: labels %v, want clusterctl and provider labels", gk, crd.Labels)
		}
		// The contract label names versions CAPI may use in references.
		for _, v := range strings.Split(crd.Labels[labelContract], "_") {
			if !hasVersion(crd, v) {
				t.Errorf("%s: contract label names %q, not a served version", gk, v)
			}
		}
	default: // EKS-A's own kinds stay put
		if len(crd.Labels) != 0 {
			t.Errorf("%s: labels %v, want none", gk, crd.Labels)
		}
	}
}

func hasVersion(crd *apiextensionsv1.CustomResourceDefinition, name string) bool {
	for _, v := range crd.Spec.Versions {
		if v.Name == name {
			return true
		}
	}
	return false
}

// TestStandInsPinUpstreamFacts pins facts from docs/eksa-facts.md and the
// upstream CRDs that the plugin's behaviour depends on.
func TestStandInsPinUpstreamFacts(t *testing.T) {
	crds := loadStandIns(t)
	ns := apiextensionsv1.NamespaceScoped
	for _, tc := range []struct {
		groupKind, plural, storage string
		scope                      apiextensionsv1.ResourceScope
		alsoServed                 string // another served version, if any
		provider                   string // cluster.x-k8s.io/provider, if any
	}{
		{"anywhere.eks.amazonaws.com/Cluster", "clusters", "v1alpha1", ns, "", ""},
		{"anywhere.eks.amazonaws.com/Bundles", "bundles", "v1alpha1", ns, "", ""},
		{"anywhere.eks.amazonaws.com/EKSARelease", "eksareleases", "v1alpha1", ns, "", ""},
		{"infrastructure.cluster.x-k8s.io/AWSSnowIPPool", "awssnowippools", "v1beta1", ns, "", "infrastructure-snow"},
		{"infrastructure.cluster.x-k8s.io/TinkerbellMachineTemplate", "tinkerbellmachinetemplates", "v1beta1", ns, "", "infrastructure-tinkerbell"},
	} {
		crd := crds[tc.groupKind]
		if crd == nil {
			t.Errorf("%s: no stand-in", tc.groupKind)
			continue
		}
		storage := ""
		for _, v := range crd.Spec.Versions {
			if v.Storage {
				storage = v.Name
			}
		}
		if crd.Spec.Names.Plural != tc.plural || storage != tc.storage || crd.Spec.Scope != tc.scope ||
			crd.Labels[eksa.LabelProvider] != tc.provider {
			t.Errorf("%s: plural %s storage %s scope %s provider %q; want %s %s %s %q", tc.groupKind,
				crd.Spec.Names.Plural, storage, crd.Spec.Scope, crd.Labels[eksa.LabelProvider],
				tc.plural, tc.storage, tc.scope, tc.provider)
		}
		if tc.alsoServed != "" && !hasVersion(crd, tc.alsoServed) {
			t.Errorf("%s: %s not served", tc.groupKind, tc.alsoServed)
		}
	}
}

// TestStandInsPassAPIServerValidation runs the API server's own CRD
// validation (structural schema, printer column paths, names), so a bad
// stand-in fails here with a clear message instead of inside envtest.
func TestStandInsPassAPIServerValidation(t *testing.T) {
	list, err := StandIns()
	if err != nil {
		t.Fatal(err)
	}
	for _, crd := range list {
		if err := Validate(crd); err != nil {
			t.Errorf("%s: %v", crd.Name, err)
		}
	}
}

func TestSplitDocuments(t *testing.T) {
	in := "# header\n---\na: 1\n---\n\n# only a comment\n---\r\nb: 2"
	docs := splitDocuments([]byte(in))
	if len(docs) != 2 || string(docs[0]) != "a: 1\n" || string(docs[1]) != "b: 2" {
		t.Fatalf("got %q", docs)
	}
}

// TestStandIns_DeclareWhatThePluginReads: every field the plugin reads from
// EKS-A's objects and from CAPAS's and CAPT's is declared with its upstream
// type (aws/eks-anywhere config/crd/bases and its envtest copy of CAPAS's
// CRDs), so a world that writes it in another shape is refused by the API
// server as a real cluster would refuse it. "[]" steps into a list's items.
func TestStandIns_DeclareWhatThePluginReads(t *testing.T) {
	list, err := StandIns()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, crd := range list {
		byName[crd.Spec.Names.Kind] = crd
	}
	for _, tc := range []struct {
		kind, path, typ string
	}{
		{"Cluster", "spec.kubernetesVersion", "string"},
		{"Cluster", "spec.eksaVersion", "string"},
		{"Cluster", "spec.managementCluster.name", "string"},
		{"Cluster", "spec.bundlesRef.name", "string"},
		{"Cluster", "spec.datacenterRef.kind", "string"},
		{"Cluster", "status.clusterCertificateInfo", "array"},
		{"VSphereDatacenterConfig", "spec.server", "string"},
		{"VSphereDatacenterConfig", "spec.thumbprint", "string"},
		{"VSphereDatacenterConfig", "spec.insecure", "boolean"},
		{"Bundles", "spec.number", "integer"},
		{"Bundles", "spec.cliMaxVersion", "string"},
		{"Bundles", "spec.versionsBundles", "array"},
		{"EKSARelease", "spec.version", "string"},
		{"AWSSnowCluster", "spec.identityRef.name", "string"},
		{"AWSSnowCluster", "status.conditions", "array"},
		{"AWSSnowMachineTemplate", "spec.template.spec.network.directNetworkInterfaces.[].ipPool.name", "string"},
		{"AWSSnowMachine", "status.ready", "boolean"},
		{"AWSSnowIPPool", "spec.pools", "array"},
		{"TinkerbellMachine", "status.conditions.[].type", "string"},
		{"TinkerbellCluster", "status.ready", "boolean"},
	} {
		crd := byName[tc.kind]
		if crd == nil {
			t.Errorf("no stand-in for %s", tc.kind)
			continue
		}
		schema := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
		for _, part := range strings.Split(tc.path, ".") {
			if part == "[]" {
				if schema.Items == nil || schema.Items.Schema == nil {
					schema = nil
					break
				}
				schema = schema.Items.Schema
				continue
			}
			next, ok := schema.Properties[part]
			if !ok {
				schema = nil
				break
			}
			schema = &next
		}
		if schema == nil || schema.Type != tc.typ {
			t.Errorf("%s %s: not declared as %s", tc.kind, tc.path, tc.typ)
		}
	}
}
