package main_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// bindRole creates, on each running server of the world, the ClusterRole
// deploy/rbac/<role>.yaml holds, less the verb drop takes from the rule of
// group dropGroup (none when drop is ""), under a name of user's own, and
// binds user to it as the README says: a ClusterRoleBinding.
func bindRole(t *testing.T, w *testworld.World, role, user, dropGroup, drop string) {
	t.Helper()
	bindEdited(t, w, role, user, func(cr *rbacv1.ClusterRole) bool {
		dropped := false
		for i, r := range cr.Rules {
			if drop != "" && slices.Contains(r.APIGroups, dropGroup) && slices.Contains(r.Verbs, drop) {
				cr.Rules[i].Verbs = slices.DeleteFunc(slices.Clone(r.Verbs), func(v string) bool { return v == drop })
				dropped = true
			}
		}
		return drop == "" || dropped
	})
}

// bindEdited is bindRole with the role as edit leaves it; edit says
// whether it took anything away that the role grants (a test that drops
// nothing would prove nothing).
func bindEdited(t *testing.T, w *testworld.World, role, user string, edit func(*rbacv1.ClusterRole) bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rbac", role+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cr rbacv1.ClusterRole
	if err := yaml.Unmarshal(data, &cr); err != nil {
		t.Fatal(err)
	}
	cr.Name = role + "-" + user
	if !edit(&cr) {
		t.Fatalf("%s grants nothing the edit for %s takes away: the test would prove nothing", role, user)
	}
	for _, s := range []*testworld.Server{w.Management, w.Bootstrap} {
		if s == nil || !s.Running() {
			continue
		}
		cs := clientset(t, s.Config)
		if _, err := cs.RbacV1().ClusterRoles().Create(t.Context(), cr.DeepCopy(), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: cr.Name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: cr.Name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}}}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(t.Context(), crb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// withoutResource is an edit for bindEdited that takes resource out of
// every rule naming it: the role less every verb on it.
func withoutResource(resource string) func(*rbacv1.ClusterRole) bool {
	return func(cr *rbacv1.ClusterRole) bool {
		taken := false
		for i, r := range cr.Rules {
			if slices.Contains(r.Resources, resource) {
				cr.Rules[i].Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(s string) bool { return s == resource })
				taken = true
			}
		}
		return taken
	}
}

func clientset(t *testing.T, cfg *rest.Config) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// asUser are the flags that make the plugin act as user on both clusters
// (the admin's kubeconfig impersonating it, as kubectl's --as does).
func asUser(w *testworld.World, user string) []string {
	args := []string{"--as", user}
	if w.Bootstrap != nil && w.Bootstrap.Running() {
		args = append(args, "--bootstrap-as", user)
	}
	return args
}

// folder lists the cluster's folder of the workspace: backups land there.
func folder(t *testing.T, w *testworld.World) []string {
	t.Helper()
	entries, err := os.ReadDir(w.Layout.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestWriters_Rights: each writer (recover included), as a user bound to
// the documented writer role less one right, is refused before any write:
// one line naming the right, the cluster and the user, exit 1, every object
// on both clusters as it was (no Lease), no backup folder. Its --dry-run as
// that user prints the same refusal as a note, goes on to "nothing was
// changed", exit 0, and changes nothing either. Bound to exactly the
// documented role, the same user's run succeeds: the role is true.
func TestWriters_Rights(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		world testworld.Options
		args  func(t *testing.T, w *testworld.World) []string
		// the right taken away, and how the refusal names it
		group, verb, named string
		// op is the step refused (recover's is the plan's: move here);
		// "" is the command itself.
		op string
	}{
		{name: "move on a stranded world", world: testworld.Options{Scenario: testworld.Stranded},
			args:  func(*testing.T, *testworld.World) []string { return []string{"move", "--yes"} },
			group: "cluster.x-k8s.io", verb: "delete", named: `the KinD cluster does not let user "operator" delete clusters.cluster.x-k8s.io in eksa-system`},
		{name: "recover on a stranded world", world: testworld.Options{Scenario: testworld.Stranded},
			args:  func(*testing.T, *testworld.World) []string { return []string{"recover", "--yes"} },
			group: "cluster.x-k8s.io", verb: "delete", named: `the KinD cluster does not let user "operator" delete clusters.cluster.x-k8s.io in eksa-system`, op: "move"},
		// On v0.19+ recover resumes after the move without asking again:
		// a user who may move but not clear EKS-A's pause markers is
		// refused before the move, not after it.
		{name: "recover on a stranded v0.19 world, resume's right missing", world: testworld.Options{Scenario: testworld.Stranded, EKSAVersion: "v0.19.8"},
			args:  func(*testing.T, *testworld.World) []string { return []string{"recover", "--yes"} },
			group: "anywhere.eks.amazonaws.com", verb: "patch", named: `the management cluster does not let user "operator" patch clusters.anywhere.eks.amazonaws.com in default`,
			op: "move and the resume after it"},
		{name: "restore on a missing world", world: testworld.Options{Scenario: testworld.Missing},
			args: func(t *testing.T, w *testworld.World) []string {
				return append(restoreArgs(t, restoreStatusJSON(t, w.Dir)), "--yes")
			},
			group: "coordination.k8s.io", verb: "create", named: `the management cluster does not let user "operator" create leases.coordination.k8s.io in eksa-system`},
		{name: "resume on a paused in-place world", world: testworld.Options{Scenario: testworld.PausedInPlace, Flavour: testworld.V1Beta2},
			args:  func(*testing.T, *testworld.World) []string { return []string{"resume", "--yes"} },
			group: "cluster.x-k8s.io", verb: "patch", named: `the management cluster does not let user "operator" patch clusters.cluster.x-k8s.io in eksa-system`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, tt.world)
			args := tt.args(t, w)
			bindRole(t, w, "eksa-recover-writer", "short", tt.group, tt.verb)
			before, files := w.StateForTest(t), folder(t, w)

			op := cmp.Or(tt.op, args[0])
			res := run(t, w.Dir, append(args, asUser(w, "short")...)...)
			named := strings.ReplaceAll(tt.named, `"operator"`, `"short"`)
			// The plan's groups come first, as planning prints them; the
			// refusal is the one error line, last.
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			last := lines[len(lines)-1]
			if res.code != 1 || !strings.HasPrefix(last, "error: "+op+" needs rights you do not have: ") ||
				!strings.Contains(last, named) || !strings.Contains(last, "nothing was changed") || strings.Count(res.stderr, "error") != 1 {
				t.Errorf("%v as a user without %s %s = exit %d, stderr %q; want exit 1 and one error line, last, containing %q", args, tt.verb, tt.group, res.code, res.stderr, named)
			}
			testworld.CheckUnchanged(t, args[0]+" without a right", before, w.StateForTest(t))
			if after := folder(t, w); !slices.Equal(after, files) {
				t.Errorf("%s without a right left files: %v, before %v", args[0], after, files)
			}

			// The dry run says what the real run would meet, and goes on.
			dry := append(slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--yes" }), "--dry-run")
			res = run(t, w.Dir, append(dry, asUser(w, "short")...)...)
			note := "Dry run: " + op + " would be refused before any write: " + op + " needs rights you do not have: "
			if res.code != 0 || !strings.Contains(res.stderr, note) || !strings.Contains(res.stderr, named) ||
				!strings.HasSuffix(strings.TrimSpace(res.stderr), "Dry run: nothing was changed") || strings.Contains(res.stderr, "error") {
				t.Errorf("%v as a user without %s %s = exit %d; want exit 0, the note %q naming %q, then \"Dry run: nothing was changed\", no error\nstderr: %s",
					dry, tt.verb, tt.group, res.code, note, named, res.stderr)
			}
			testworld.CheckUnchanged(t, args[0]+" --dry-run without a right", before, w.StateForTest(t))
			if after := folder(t, w); !slices.Equal(after, files) {
				t.Errorf("%s --dry-run without a right left files: %v, before %v", args[0], after, files)
			}

			bindRole(t, w, "eksa-recover-writer", "operator", "", "")
			if res := run(t, w.Dir, append(args, asUser(w, "operator")...)...); res.code != 0 {
				t.Errorf("%v as a user bound to the documented writer role = exit %d, want 0\nstdout: %s\nstderr: %s", args, res.code, res.stdout, tail(res.stderr, 2000))
			}
		})
	}
}

// TestStatus_Rights: status as a user bound to the documented reader role
// reads a healthy world as Healthy with no read refused; as a viewer who
// may not read Secrets it reads Unknown (exit 2), as the README says, with
// a ReadRefused finding naming the Secrets it could not get, no restore
// advised for the Secrets it could not see, kubectl's auth can-i suggested
// as the viewer (--as), and no trace.
func TestStatus_Rights(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Healthy})
	bindRole(t, w, "eksa-recover-reader", "reader", "", "")
	type finding struct{ Code, Message string }
	var got struct {
		State     string    `json:"state"`
		Findings  []finding `json:"findings"`
		NextSteps []struct {
			Command string `json:"command"`
		} `json:"nextSteps"`
	}
	refused := func(fs []finding) []finding {
		return slices.DeleteFunc(slices.Clone(fs), func(f finding) bool { return f.Code != "ReadRefused" })
	}
	res := run(t, w.Dir, append([]string{"status", "--vsphere=false", "-o", "json"}, asUser(w, "reader")...)...)
	// The role grants every read a Healthy verdict needs: the healthy
	// world reads Healthy, exit 0, no read refused.
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 0 || got.State != "Healthy" || len(refused(got.Findings)) > 0 {
		t.Errorf("status as the reader role = exit %d, state %q, findings %v (%v); want Healthy, exit 0, no read refused\nstderr: %s", res.code, got.State, got.Findings, err, tail(res.stderr, 1500))
	}

	// The viewer: the reader role less its core rule's get (Secrets,
	// ConfigMaps, Pods and Nodes are still listed, no Secret is read).
	bindRole(t, w, "eksa-recover-reader", "viewer", "", "")
	cs := clientset(t, w.Management.Config)
	cr, err := cs.RbacV1().ClusterRoles().Get(t.Context(), "eksa-recover-reader-viewer", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range cr.Rules {
		if slices.Contains(r.Resources, "secrets") {
			cr.Rules[i].Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(s string) bool { return s == "secrets" })
		}
	}
	if _, err := cs.RbacV1().ClusterRoles().Update(t.Context(), cr, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	got.Findings, got.State = nil, ""
	res = run(t, w.Dir, append([]string{"status", "--vsphere=false", "-o", "json"}, asUser(w, "viewer")...)...)
	// The README: a read refused leaves the state Unknown. The Secrets
	// the objects reference are unread, not lost: no restore is advised.
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 2 || got.State != "Unknown" {
		t.Errorf("status as a viewer without Secrets = exit %d, state %q (%v); want Unknown, exit 2\nstderr: %s", res.code, got.State, err, tail(res.stderr, 1500))
	}
	// Its first step asks kubectl what the viewer may read: as the viewer,
	// not as the kubeconfig's admin, who may read everything.
	if len(got.NextSteps) == 0 || !strings.Contains(got.NextSteps[0].Command, " auth can-i ") || !strings.Contains(got.NextSteps[0].Command, "--as viewer") {
		t.Errorf("status as a viewer without Secrets: next steps %v; want the first to be kubectl auth can-i with --as viewer", got.NextSteps)
	}
	for _, s := range got.NextSteps {
		if strings.Contains(s.Command, " restore") {
			t.Errorf("status as a viewer without Secrets advises %q: a refused read is no loss", s.Command)
		}
	}
	if r := refused(got.Findings); len(r) == 0 || !strings.Contains(r[0].Message, "secrets") {
		t.Errorf("status as a viewer without Secrets: refused reads %v, want a ReadRefused finding naming secrets", r)
	}
	if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic") {
		t.Errorf("status as a viewer without Secrets printed a trace:\n%s", tail(res.stderr, 1500))
	}
}
