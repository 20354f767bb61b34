package snapshot

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ProviderOf reads one object of clusterctl's inventory.
func ProviderOf(u *unstructured.Unstructured) Provider {
	str := func(field string) string { s, _, _ := unstructured.NestedString(u.Object, field); return s }
	return Provider{Namespace: u.GetNamespace(), Name: u.GetName(),
		ProviderName: str("providerName"), Type: str("type"), Version: str("version")}
}

// Same: clusterctl tells two providers apart by type and provider name,
// never by namespace.
func (p Provider) Same(o Provider) bool { return p.ProviderName == o.ProviderName && p.Type == o.Type }

// Label names the provider as clusterctl init does (infrastructure-vsphere).
func (p Provider) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return strings.ToLower(strings.TrimSuffix(p.Type, "Provider")) + "-" + p.ProviderName
}
