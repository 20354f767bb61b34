package printers

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
)

// ReportAPIVersion and the kinds below name the plugin's documented JSON
// schemas, so -o json|yaml|name|jsonpath work through cli-runtime's printers.
const (
	ReportAPIVersion = "eksa-recover.io/v1alpha1"
	StatusReportKind = "StatusReport"
)

// StatusDocument is `status -o json`'s document for the report, the one
// status, status --watch and bundle each print (indented, one line per
// change, and as the bundle's status.json).
func StatusDocument(report *diagnose.Report) (*unstructured.Unstructured, error) {
	return ToObject(StatusReportKind, report.Cluster, report)
}

// StatusJSON is StatusDocument as JSON, ending in a newline: indented as
// status -o json prints it (kubectl's JSON printer), the bundle's
// status.json; or on one line, as status --watch -o json prints each
// change.
func StatusJSON(report *diagnose.Report, oneLine bool) ([]byte, error) {
	obj, err := StatusDocument(report)
	if err != nil {
		return nil, err
	}
	var data []byte
	if oneLine {
		data, err = json.Marshal(obj.Object)
	} else {
		data, err = json.MarshalIndent(obj.Object, "", "    ")
	}
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// ToObject wraps a report as a Kubernetes-shaped object: apiVersion, kind,
// metadata.name, then the report's own fields at the top level.
func ToObject(kind, name string, report any) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(report)
	if err != nil {
		return nil, err
	}
	fields := map[string]any{}
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: fields}
	u.SetAPIVersion(ReportAPIVersion)
	u.SetKind(kind)
	u.SetName(name)
	return u, nil
}
