// Package crds provides the CustomResourceDefinitions of the test world that
// no Go module carries: EKS-A's own and those of the providers it installs
// (etcdadm, vSphere, CloudStack, Nutanix, Snow, Tinkerbell, Docker). The module
// proxy does not serve those projects, so fixtures/ holds minimal stand-ins
// with the upstream names, versions, scopes and clusterctl labels, and
// permissive schemas.
package crds

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

//go:embed fixtures/*.yaml
var fixtureFS embed.FS

// FixtureFile is one embedded fixture file.
type FixtureFile struct {
	Name string // file name, e.g. "vsphere.yaml"
	Data []byte
}

// FixtureFiles returns the fixture CRD files' contents by file name, sorted by name.
func FixtureFiles() ([]FixtureFile, error) {
	entries, err := fs.ReadDir(fixtureFS, "fixtures") // sorted by name
	if err != nil {
		return nil, err
	}
	files := make([]FixtureFile, 0, len(entries))
	for _, e := range entries {
		data, err := fixtureFS.ReadFile("fixtures/" + e.Name())
		if err != nil {
			return nil, err
		}
		files = append(files, FixtureFile{Name: e.Name(), Data: data})
	}
	return files, nil
}

// Fixtures decodes the CRDs of the named fixture files ("vsphere",
// "eksa", ...), or of every file when none is named, in file order. A real
// cluster has only its own providers' CRDs installed (and KinD no EKS-A
// ones), which decides what `kubectl get machines` resolves to.
func Fixtures(names ...string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	files, err := FixtureFiles()
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, n := range names {
		wanted[n+".yaml"] = true
	}
	var out []*apiextensionsv1.CustomResourceDefinition
	for _, f := range files {
		if len(names) > 0 && !wanted[f.Name] {
			continue
		}
		delete(wanted, f.Name)
		for i, doc := range splitDocuments(f.Data) {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			// Strict, so a misspelt field in a fixture fails here rather
			// than silently vanishing from what the API server is given.
			if err := yaml.UnmarshalStrict(doc, crd); err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", f.Name, i+1, err)
			}
			if crd.APIVersion != "apiextensions.k8s.io/v1" || crd.Kind != "CustomResourceDefinition" {
				return nil, fmt.Errorf("%s: document %d: %s/%s is not a v1 CustomResourceDefinition",
					f.Name, i+1, crd.APIVersion, crd.Kind)
			}
			out = append(out, crd)
		}
	}
	for name := range wanted {
		return nil, fmt.Errorf("no fixture file %s", name)
	}
	return out, nil
}

// splitDocuments splits YAML on lines equal to "---" and drops documents
// holding only comments or blank lines (such as a file's header).
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if !isEmptyDocument(cur.String()) {
			docs = append(docs, bytes.Clone(cur.Bytes()))
		}
		cur.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.TrimRight(line, "\r\n") == "---" {
			flush()
			continue
		}
		cur.WriteString(line)
	}
	flush()
	return docs
}

func isEmptyDocument(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}
