package testworld

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// A real clusterctl installation puts eksa.LabelClusterctl and
// eksa.LabelProvider on every provider CRD. The CRD files in the module lack
// them, and without the first clusterctl's move discovers nothing, so the
// world adds them as clusterctl init would.

// capiCRDDirs maps each provider of the cluster-api module to the folder of
// its CRD files, by flavour: v1.11 moved the core CRDs under core/.
func capiCRDDirs(f Flavour) map[string]string {
	core := "config/crd/bases"
	if f == V1Beta2 {
		core = "core/config/crd/bases"
	}
	return map[string]string{
		"cluster-api":           core,
		"control-plane-kubeadm": "controlplane/kubeadm/config/crd/bases",
		"bootstrap-kubeadm":     "bootstrap/kubeadm/config/crd/bases",
		"clusterctl":            "cmd/clusterctl/config/crd/bases",
	}
}

// CAPICRDs reads the cluster-api CRDs of the flavour from the Go module
// cache (downloading the module through the proxy when it is missing) and
// shapes them as an installed management cluster serves them: the storage
// version only, no conversion webhook, clusterctl's labels, and EKS-A's
// fork's extra Cluster field.
func CAPICRDs(f Flavour) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	root, err := moduleDir("sigs.k8s.io/cluster-api", f.CAPIModuleVersion())
	if err != nil {
		return nil, err
	}
	dirs := capiCRDDirs(f)
	providers := make([]string, 0, len(dirs))
	for p := range dirs {
		providers = append(providers, p)
	}
	sort.Strings(providers)

	var out []*apiextensionsv1.CustomResourceDefinition
	for _, provider := range providers {
		files, err := filepath.Glob(filepath.Join(root, dirs[provider], "*.yaml"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no CRD files for %s in %s", provider, filepath.Join(root, dirs[provider]))
		}
		for _, file := range files {
			crd, err := readCRD(file)
			if err != nil {
				return nil, err
			}
			if provider == "clusterctl" {
				// The inventory itself is not a provider CRD: clusterctl
				// never moves it, so it carries no clusterctl label.
				if crd.Spec.Names.Kind != "Provider" {
					continue
				}
			} else {
				crd.Labels = map[string]string{eksa.LabelClusterctl: "", eksa.LabelProvider: provider}
			}
			keepStorageVersionOnly(crd)
			addContractLabels(crd, contractLabels(f)[provider])
			if crd.Name == "clusters.cluster.x-k8s.io" {
				addManagedExternalEtcdRef(crd)
			}
			out = append(out, crd)
		}
	}
	return out, nil
}

func readCRD(file string) (*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		return nil, fmt.Errorf("reading CRD %s: %w", file, err)
	}
	return crd, nil
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

// contractLabels are the labels each release's kustomization puts on the
// kubeadm providers' CRDs (controlplane/kubeadm/config/crd and
// bootstrap/kubeadm/config/crd): the CAPI contract each served version
// implements. clusterctl resolves contract references through them (a
// v1beta2 controlPlaneRef names only group and kind): without them clusterctl
// v1.14's tree.Discovery drops the KubeadmControlPlane and every KubeadmConfig.
// The core CRDs carry none, as upstream's; the provider fixtures carry theirs.
func contractLabels(f Flavour) map[string]map[string]string {
	kubeadm := map[string]string{"cluster.x-k8s.io/v1beta1": "v1beta1"}
	if f == V1Beta2 {
		kubeadm["cluster.x-k8s.io/v1beta2"] = "v1beta2"
	}
	return map[string]map[string]string{"control-plane-kubeadm": kubeadm, "bootstrap-kubeadm": kubeadm}
}

// addContractLabels labels crd with the contracts of the versions it still
// serves: a contract naming only versions the world dropped would send
// clusterctl to an API the server does not have.
func addContractLabels(crd *apiextensionsv1.CustomResourceDefinition, contracts map[string]string) {
	served := map[string]bool{}
	for _, v := range crd.Spec.Versions {
		served[v.Name] = v.Served
	}
	for label, versions := range contracts {
		var keep []string
		for v := range strings.SplitSeq(versions, "_") {
			if served[v] {
				keep = append(keep, v)
			}
		}
		if len(keep) > 0 {
			crd.Labels[label] = strings.Join(keep, "_")
		}
	}
}

// addManagedExternalEtcdRef adds the field EKS-A's CAPI fork carries on
// Cluster.spec; upstream's schema would prune it, and the plugin must prove
// it survives a move.
func addManagedExternalEtcdRef(crd *apiextensionsv1.CustomResourceDefinition) {
	preserve := true
	for i := range crd.Spec.Versions {
		schema := crd.Spec.Versions[i].Schema.OpenAPIV3Schema
		spec := schema.Properties["spec"]
		spec.Properties["managedExternalEtcdRef"] = apiextensionsv1.JSONSchemaProps{
			Type: "object", XPreserveUnknownFields: &preserve,
		}
		schema.Properties["spec"] = spec
	}
}

// moduleDir returns the module cache folder of module@version, asking the go
// command so the module proxy fills the cache on a fresh machine.
func moduleDir(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir() // outside any module: leave go.mod alone
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &info); jsonErr == nil && info.Error != "" {
		return "", fmt.Errorf("downloading %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("downloading %s@%s: %v: %s", module, version, err, strings.TrimSpace(stderr.String()))
	}
	if info.Dir == "" {
		return "", fmt.Errorf("downloading %s@%s: go reported no folder", module, version)
	}
	return info.Dir, nil
}
