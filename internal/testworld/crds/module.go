package crds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Source is where one provider's real CRDs live: a folder of CRD files in a
// Go module at the version EKS-A deployed.
type Source struct {
	Module, Version string
	// Dir is the folder of CRD files inside the module, e.g. "config/crd/bases".
	Dir string
	// Provider is the cluster.x-k8s.io/provider label clusterctl init puts on
	// the CRDs ("infrastructure-vsphere"); empty for CRDs another installer
	// applies (the Tinkerbell stack's Helm chart), which keep their own labels.
	Provider string
}

func (s Source) String() string { return s.Module + "@" + s.Version + "/" + s.Dir }

// Load reads the source's CRDs from the Go module cache (downloading the
// module through the proxy on a fresh machine) and labels them as an
// installed management cluster serves them: kustomize's contract labels from
// the folder's kustomization.yaml, and clusterctl init's labels.
func Load(s Source) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	root, err := ModuleDir(s.Module, s.Version)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, s.Dir)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no CRD files in %s", s)
	}
	contracts, err := kustomizeLabels(filepath.Join(filepath.Dir(dir), "kustomization.yaml"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, file := range files {
		crd, err := readCRD(file)
		if err != nil {
			return nil, err
		}
		// CAPC keeps a CRD of its unit tests' fakes beside the real ones;
		// its release manifests do not install it.
		if crd.Kind != "CustomResourceDefinition" || strings.HasPrefix(crd.Spec.Group, "fakes.") {
			continue
		}
		if crd.Labels == nil {
			crd.Labels = map[string]string{}
		}
		for k, v := range contracts {
			crd.Labels[k] = v
		}
		if s.Provider != "" {
			crd.Labels[eksa.LabelClusterctl] = ""
			crd.Labels[eksa.LabelProvider] = s.Provider
		}
		out = append(out, crd)
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

// kustomizeLabels reads the labels a provider's CRD kustomization puts on
// every CRD: the Cluster API contracts each served version implements, which
// clusterctl resolves references through. Both spellings kustomize accepts:
// the old commonLabels map and the newer labels list of pairs. A folder with
// no kustomization has none.
func kustomizeLabels(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var k struct {
		CommonLabels map[string]string `json:"commonLabels"`
		Labels       []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	out := map[string]string{}
	for key, v := range k.CommonLabels {
		out[key] = v
	}
	for _, l := range k.Labels {
		for key, v := range l.Pairs {
			out[key] = v
		}
	}
	return out, nil
}

// ModuleDir returns the module cache folder of module@version, asking the go
// command so the module proxy fills the cache on a fresh machine.
func ModuleDir(module, version string) (string, error) {
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
