package rights

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestCheck_AgainstTheAPIServer: on the world's real API server (RBAC
// on), a user bound to the ClusterRole rendered from a list of needs has
// every one of them; one more need is named as missing, alone; a user with
// no binding misses them all; and impersonation (--as) is what is checked.
func TestCheck_AgainstTheAPIServer(t *testing.T) {
	w := testworld.StartForTest(t, testworld.Options{Scenario: testworld.Empty})
	admin := w.Management.Config
	needs := append(Needs(Write, "eksa-system", Resource{"cluster.x-k8s.io", "machines"}, Resource{"cluster.x-k8s.io", "clusters"}),
		Needs(Read, "eksa-system", Resource{"", "secrets"})...)

	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	role := ClusterRole("eksa-recover-test", needs)
	if _, err := cs.RbacV1().ClusterRoles().Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "operator", Namespace: "eksa-system"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "operator"}}}
	if _, err := cs.RbacV1().RoleBindings("eksa-system").Create(t.Context(), binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	operator, intruder := userConfig(t, w, "operator"), userConfig(t, w, "intruder")

	if missing, err := Missing(t.Context(), operator, needs); err != nil || len(missing) != 0 {
		t.Errorf("Missing(operator, the role's needs) = %v, %v; want none", missing, err)
	}
	deleteSecrets := Need{Verb: "delete", Resource: "secrets", Namespace: "eksa-system"}
	err = Check(t.Context(), "management", operator, append(needs, deleteSecrets), role.Name)
	if err == nil || !strings.Contains(err.Error(), "does not let you delete secrets in eksa-system; nothing was changed") ||
		strings.Contains(err.Error(), "machines") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Check(operator, one more need) = %v, want one line naming only delete secrets", err)
	}
	elsewhere := Need{Verb: "get", Group: "cluster.x-k8s.io", Resource: "machines", Namespace: "default"}
	if missing, err := Missing(t.Context(), operator, []Need{elsewhere}); err != nil || len(missing) != 1 {
		t.Errorf("Missing(operator, a need outside the bound namespace) = %v, %v; want it missing", missing, err)
	}
	if missing, err := Missing(t.Context(), intruder, needs); err != nil || len(missing) != len(needs) {
		t.Errorf("Missing(intruder) = %d of %d needs, %v; want all", len(missing), len(needs), err)
	}
	as := rest.CopyConfig(admin)
	as.Impersonate.UserName = "operator"
	if missing, err := Missing(t.Context(), as, append(needs, deleteSecrets)); err != nil || len(missing) != 1 || missing[0] != deleteSecrets {
		t.Errorf("Missing(admin --as operator) = %v, %v; want only %s: the impersonated user is checked", missing, err, deleteSecrets)
	}
	if missing, err := Missing(t.Context(), admin, append(needs, deleteSecrets)); err != nil || len(missing) != 0 {
		t.Errorf("Missing(admin) = %v, %v; want none", missing, err)
	}
}

func userConfig(t *testing.T, w *testworld.World, user string) *rest.Config {
	t.Helper()
	data, err := w.Management.KubeconfigFor(user)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
