package rights

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Read and Write are the verbs a reading command and a writing one need
// on each resource it touches.
var (
	Read  = []string{"get", "list", "watch"}
	Write = []string{"get", "list", "watch", "create", "update", "patch", "delete"}
)

// Resource is one API resource a command touches.
type Resource struct{ Group, Resource string }

// Needs is every verb on every resource, in namespace ("" cluster-wide).
func Needs(verbs []string, namespace string, resources ...Resource) []Need {
	out := make([]Need, 0, len(verbs)*len(resources))
	for _, r := range resources {
		for _, v := range verbs {
			out = append(out, Need{Verb: v, Group: r.Group, Resource: r.Resource, Namespace: namespace})
		}
	}
	return out
}

// ClusterRole grants exactly the needs (their namespaces aside: bind it
// with a RoleBinding in each namespace to keep it there): one rule per API
// group and set of verbs, resources and verbs sorted, so the same needs
// always render the same role and a checked-in copy cannot drift unseen.
func ClusterRole(name string, needs []Need) *rbacv1.ClusterRole {
	type key struct{ group, resource string }
	verbs := map[key][]string{}
	for _, n := range needs {
		k := key{n.Group, n.Resource}
		if !slices.Contains(verbs[k], n.Verb) {
			verbs[k] = append(verbs[k], n.Verb)
		}
	}
	// Resources with the same verbs in the same group share a rule.
	type ruleKey struct{ group, verbs string }
	rules := map[ruleKey]*rbacv1.PolicyRule{}
	var order []ruleKey
	for k, vs := range verbs {
		slices.Sort(vs)
		rk := ruleKey{k.group, strings.Join(vs, ",")}
		r, ok := rules[rk]
		if !ok {
			r = &rbacv1.PolicyRule{APIGroups: []string{k.group}, Verbs: vs}
			rules[rk] = r
			order = append(order, rk)
		}
		r.Resources = append(r.Resources, k.resource)
	}
	slices.SortFunc(order, func(a, b ruleKey) int { return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.verbs, b.verbs)) })
	role := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
	}
	for _, rk := range order {
		r := rules[rk]
		slices.Sort(r.Resources)
		role.Rules = append(role.Rules, *r)
	}
	return role
}

// The roles the README documents: the reading commands (status, verify,
// bundle) need ReaderRole, the writing ones (move, restore, resume,
// recover) WriterRole.
const (
	ReaderRole = "eksa-recover-reader"
	WriterRole = "eksa-recover-writer"
)

// Reader and Writer render a command's role from the resources it
// touches in namespace: Read's verbs, or Write's.
func Reader(namespace string, resources ...Resource) *rbacv1.ClusterRole {
	return ClusterRole(ReaderRole, Needs(Read, namespace, resources...))
}

// Writer is Reader with Write's verbs.
func Writer(namespace string, resources ...Resource) *rbacv1.ClusterRole {
	return ClusterRole(WriterRole, Needs(Write, namespace, resources...))
}

// YAML renders role as a manifest to check in or kubectl apply.
func YAML(role *rbacv1.ClusterRole) ([]byte, error) { return yaml.Marshal(role) }
