package rights

import (
	"reflect"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func TestNeed_String(t *testing.T) {
	tests := []struct {
		need Need
		want string
	}{
		{Need{Verb: "create", Group: "cluster.x-k8s.io", Resource: "machines", Namespace: "eksa-system"}, "create machines.cluster.x-k8s.io in eksa-system"},
		{Need{Verb: "get", Resource: "secrets", Namespace: "eksa-system"}, "get secrets in eksa-system"},
		{Need{Verb: "list", Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions"}, "list customresourcedefinitions.apiextensions.k8s.io cluster-wide"},
	}
	for _, tt := range tests {
		if got := tt.need.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.need, got, tt.want)
		}
	}
}

func TestClusterRole(t *testing.T) {
	needs := append(Needs(Read, "eksa-system", Resource{"cluster.x-k8s.io", "machines"}, Resource{"cluster.x-k8s.io", "clusters"}, Resource{"", "secrets"}),
		Needs([]string{"patch"}, "eksa-system", Resource{"cluster.x-k8s.io", "clusters"})...)
	got := ClusterRole("eksa-recover-test", needs).Rules
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"cluster.x-k8s.io"}, Resources: []string{"clusters"}, Verbs: []string{"get", "list", "patch", "watch"}},
		{APIGroups: []string{"cluster.x-k8s.io"}, Resources: []string{"machines"}, Verbs: []string{"get", "list", "watch"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterRole rules = %+v, want %+v", got, want)
	}
	if again := ClusterRole("eksa-recover-test", needs).Rules; !reflect.DeepEqual(again, got) {
		t.Errorf("ClusterRole is not stable: %+v then %+v", got, again)
	}
}

func TestYAML_Reader(t *testing.T) {
	got, err := YAML(Reader("eksa-system", Resource{"cluster.x-k8s.io", "machines"}))
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: eksa-recover-reader
rules:
- apiGroups:
  - cluster.x-k8s.io
  resources:
  - machines
  verbs:
  - get
  - list
  - watch
`
	if string(got) != want {
		t.Errorf("YAML(Reader) =\n%s\nwant\n%s", got, want)
	}
}
