package main_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// TestConnectionFlags_AsUID: --as-uid and --bootstrap-as-uid reach the API
// servers. On each, the user "impersonator" may impersonate "reader" (bound
// to the reader role) only with the UID "uid-allowed": RBAC's impersonate
// on uids, by name, so the server's answer depends on the very UID it was
// sent. With it, status reads the stranded world; with any other UID on
// either cluster, the server refuses and the one line carries its words,
// naming the UID it saw, and says impersonation, not reading, was refused.
// A flag ignored would send no UID, and read.
func TestConnectionFlags_AsUID(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	bindRole(t, w, "eksa-recover-reader", "reader", "", "")
	dir := t.TempDir()
	kubeconfigs := map[string]string{}
	for name, s := range map[string]*testworld.Server{"management": w.Management, "kind": w.Bootstrap} {
		cs := clientset(t, s.Config)
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "impersonate-reader"}, Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"users"}, Verbs: []string{"impersonate"}, ResourceNames: []string{"reader"}},
			{APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"uids"}, Verbs: []string{"impersonate"}, ResourceNames: []string{"uid-allowed"}},
		}}
		if _, err := cs.RbacV1().ClusterRoles().Create(t.Context(), cr, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: cr.Name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: cr.Name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "impersonator"}}}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(t.Context(), crb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		data, err := s.KubeconfigFor("impersonator")
		if err != nil {
			t.Fatal(err)
		}
		kubeconfigs[name] = filepath.Join(dir, name+".kubeconfig")
		if err := os.WriteFile(kubeconfigs[name], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	as := func(mgmtUID, kindUID string) []string {
		args := []string{"--kubeconfig", kubeconfigs["management"], "--bootstrap-kubeconfig", kubeconfigs["kind"], "--as", "reader", "--bootstrap-as", "reader"}
		if mgmtUID != "" {
			args = append(args, "--as-uid", mgmtUID)
		}
		if kindUID != "" {
			args = append(args, "--bootstrap-as-uid", kindUID)
		}
		return args
	}
	tests := []struct {
		name string
		args []string
		// refused: the UID the server's refusal names; "" reads the world
		refused string
	}{
		{name: "no UID", args: as("", "")},
		{name: "the UID allowed on both", args: as("uid-allowed", "uid-allowed")},
		{name: "--as-uid another", args: as("uid-other", "uid-allowed"), refused: "uid-other"},
		{name: "--bootstrap-as-uid another", args: as("uid-allowed", "uid-else"), refused: "uid-else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, w.Dir, append([]string{"status", "--vsphere=false", "-o", "json"}, tt.args...)...)
			if tt.refused != "" {
				line := strings.TrimSpace(res.stderr)
				if res.code != 1 || strings.Contains(line, "\n") || !strings.Contains(line, `"`+tt.refused+`"`) || !strings.Contains(line, `cannot impersonate resource "uids"`) ||
					!strings.HasSuffix(line, "may not impersonate the user, group or UID asked for (RBAC's impersonate verb on users, groups or uids)") {
					t.Errorf("status, %s = exit %d, stderr %q; want exit 1 and one line with the server's refusal to impersonate uid %q", tt.name, res.code, res.stderr, tt.refused)
				}
				return
			}
			var got statusJSON
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 2 || got.State != "StrandedInBootstrap" || len(refusedReads(got)) > 0 {
				t.Errorf("status, %s = exit %d, state %q (%v), refused %v; want StrandedInBootstrap, exit 2, no read refused\nstderr: %s",
					tt.name, res.code, got.State, err, refusedReads(got), tail(res.stderr, 1500))
			}
		})
	}
}

// TestConnectionFlags_DisableCompression: --disable-compression changes what
// goes on the wire. A proxy in front of the management API server records
// each request's headers as the plugin sent them: by default every command
// (status's read, backup's lists, bundle's extra reads, each built on its own
// client) asks for gzip; with the flag, not one request does, and each
// command does what it did.
func TestConnectionFlags_DisableCompression(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	p, err := testworld.NewFaultProxy(w.Management.Config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	data, err := p.Kubeconfig("proxy")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "proxy.kubeconfig")
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"status", "--vsphere=false", "-o", "jsonpath={.state}"},
		{"backup", "--to", "BACKUP"},
		{"bundle", "--vsphere=false", "--to", "BUNDLE"},
	}
	for _, flag := range []string{"", "--disable-compression"} {
		for _, c := range commands {
			t.Run(c[0]+"/"+cmp.Or(flag, "default"), func(t *testing.T) {
				args := append([]string{"--kubeconfig", kubeconfig}, c...)
				for i, a := range args {
					args[i] = strings.NewReplacer("BACKUP", filepath.Join(dir, "backup"+flag), "BUNDLE", filepath.Join(dir, "bundle"+flag+".tar.gz")).Replace(a)
				}
				if flag != "" {
					args = append(args, flag)
				}
				from := len(p.Headers())
				res := run(t, w.Dir, args...)
				if res.code != 0 || (c[0] == "status" && res.stdout != "Healthy") {
					t.Fatalf("%v = exit %d, stdout %q; want exit 0 (status: Healthy)\nstderr: %s", args, res.code, res.stdout, tail(res.stderr, 1500))
				}
				sent := p.Headers()[from:]
				gzip := 0
				for _, h := range sent {
					if strings.Contains(h.Get("Accept-Encoding"), "gzip") {
						gzip++
					}
				}
				switch {
				case len(sent) == 0:
					t.Errorf("%v: the proxy saw no request; the check would prove nothing", args)
				case flag == "" && gzip != len(sent):
					t.Errorf("%v: %d of %d requests asked for gzip; want all (client-go's default), or the flag's check proves nothing", args, gzip, len(sent))
				case flag != "" && gzip != 0:
					t.Errorf("%v: %d of %d requests still asked for gzip", args, gzip, len(sent))
				}
			})
		}
	}
}
