// Package crds provides the test world's CustomResourceDefinitions: the real
// ones, read from the Go module cache at the versions EKS-A deployed (Load),
// and stand-ins written here only for the CRDs no module carries (StandIns:
// CAPT, Snow's CAPAS and EKS-A's own kinds). It never copies a CRD file into
// the repository.
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

//go:embed standins/*.yaml
var standInFS embed.FS

// StandInFile is one embedded stand-in file.
type StandInFile struct {
	Name string // file name, e.g. "capt.yaml"
	Data []byte
}

// StandInFiles returns the stand-in CRD files' contents by file name, sorted by name.
func StandInFiles() ([]StandInFile, error) {
	entries, err := fs.ReadDir(standInFS, "standins") // sorted by name
	if err != nil {
		return nil, err
	}
	files := make([]StandInFile, 0, len(entries))
	for _, e := range entries {
		data, err := standInFS.ReadFile("standins/" + e.Name())
		if err != nil {
			return nil, err
		}
		files = append(files, StandInFile{Name: e.Name(), Data: data})
	}
	return files, nil
}

// StandIns decodes the CRDs of the named stand-in files ("capt", "capas",
// "eksa"), or of every file when none is named, in file order. A real
// cluster has only its own providers' CRDs installed (and KinD no EKS-A
// ones), which decides what `kubectl get machines` resolves to.
func StandIns(names ...string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	files, err := StandInFiles()
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
			// Strict, so a misspelt field in a stand-in fails here rather
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
		return nil, fmt.Errorf("no stand-in file %s", name)
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
