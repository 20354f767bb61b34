package main_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// The binary suite runs the built plugin as a user would, in the workspace
// folder, against real worlds. EKSA_RECOVER_BINARY names a prebuilt binary;
// otherwise TestMain builds one.
var binary string

func TestMain(m *testing.M) {
	binary = os.Getenv("EKSA_RECOVER_BINARY")
	if binary == "" {
		dir, err := os.MkdirTemp("", "eksa-recover-bin")
		if err != nil {
			panic(err)
		}
		binary = filepath.Join(dir, "kubectl-eksa_recover")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			panic(string(out))
		}
		code := m.Run()
		_ = os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs the plugin in dir with a clean environment: no KUBECONFIG, an
// empty HOME, so only the workspace's files are read.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runEnv(t, dir, nil, args...)
}

// runEnv is run with extra variables (NAME=value), e.g. vCenter's credentials.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return result{out.String(), errOut.String(), code}
}

func startWorld(t *testing.T, o testworld.Options) *testworld.World {
	t.Helper()
	return testworld.StartForTest(t, o)
}

type statusJSON struct {
	State    string `json:"state"`
	Provider *struct {
		Name, Kind string
	} `json:"provider"`
	Findings []struct {
		Code, Message string
	} `json:"findings"`
	NextSteps []struct {
		Command string `json:"command"`
		Why     string `json:"why"`
	} `json:"nextSteps"`
	Machines []struct {
		Name     string `json:"name"`
		Location string `json:"location"`
	} `json:"machines"`
	Objects struct {
		Management []string `json:"management"`
		Bootstrap  []string `json:"bootstrap"`
	} `json:"objects"`
}

func TestStatus_Scenarios(t *testing.T) {
	tests := []struct {
		scenario  testworld.Scenario
		state     string
		code      int
		firstStep string // the first next command, with the world's paths filled in
		never     []string
	}{
		{testworld.Healthy, "Healthy", 0, "", []string{"move", "--force-cleanup"}},
		{testworld.ValidationFailed, "ValidationFailed", 2, "", []string{"kubectl eksa-recover move"}},
		{testworld.Stranded, "StrandedInBootstrap", 2, "kubectl eksa-recover move", []string{"--force-cleanup", "eksctl anywhere upgrade", "kind delete", "docker rm"}},
		{testworld.Split, "SplitMove", 2, "kubectl eksa-recover move", []string{"--force-cleanup", "eksctl anywhere upgrade", "kind delete"}},
		{testworld.BootstrapDown, "BootstrapUnreachable", 2, "docker start cluster3-eks-a-cluster-control-plane", []string{"--force-cleanup", "kind delete", "docker rm", "eksctl anywhere upgrade"}},
		{testworld.ManagementDown, "ManagementUnreachable", 2, "", []string{"kubectl eksa-recover move", "--force-cleanup"}},
		{testworld.Missing, "Missing", 2, "kubectl eksa-recover restore --from {{backup}}", []string{"--force-cleanup"}},
		{testworld.PausedInPlace, "PausedAfterFailure", 2, "kubectl eksa-recover resume", []string{"--force-cleanup"}},
		{testworld.Empty, "Missing", 2, "", []string{"--force-cleanup", "move"}},
	}
	for _, f := range testworld.Flavours {
		for _, tt := range tests {
			t.Run(string(f)+"/"+string(tt.scenario), func(t *testing.T) {
				t.Parallel()
				w := startWorld(t, testworld.Options{Scenario: tt.scenario, Flavour: f})
				res := run(t, w.Dir, "status", "-o", "json")
				if res.code != tt.code {
					t.Errorf("status exit = %d, want %d; stderr: %s", res.code, tt.code, res.stderr)
				}
				var got statusJSON
				if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
					t.Fatalf("status -o json is not JSON: %v\n%s", err, res.stdout)
				}
				if got.State != tt.state {
					t.Errorf("state = %s, want %s", got.State, tt.state)
				}
				var commands []string
				for _, s := range got.NextSteps {
					commands = append(commands, s.Command)
					if s.Why == "" {
						t.Errorf("next step %q has no why", s.Command)
					}
				}
				if tt.firstStep != "" {
					want := tt.firstStep
					if strings.Contains(want, "{{backup}}") {
						backups, _ := filepath.Glob(filepath.Join(w.Layout.Dir(), "*backup-*"))
						if len(backups) == 0 {
							t.Fatal("the world wrote no backup")
						}
						want = strings.ReplaceAll(want, "{{backup}}", backups[len(backups)-1])
					}
					if len(commands) == 0 || commands[0] != want {
						t.Errorf("first next step = %q, want %q (all: %q)", first(commands), want, commands)
					}
				}
				for _, c := range commands {
					for _, bad := range tt.never {
						if strings.Contains(c, bad) {
							t.Errorf("next step %q contains %q, which must never be suggested in %s", c, bad, tt.state)
						}
					}
				}
				if tt.scenario != testworld.BootstrapDown && tt.scenario != testworld.ManagementDown {
					checkStatusCountsWhatBackupWrites(t, w.Dir, got)
				}
				// The human report says the same.
				text := run(t, w.Dir, "status")
				if !strings.Contains(text.stdout, "Cluster cluster3: "+tt.state) || text.code != tt.code {
					t.Errorf("status headline/exit = %q/%d, want %q/%d", firstLine(text.stdout), text.code, "Cluster cluster3: "+tt.state, tt.code)
				}
			})
		}
	}
}

// checkStatusCountsWhatBackupWrites: the objects status says belong to the
// cluster on each side are exactly those `backup` writes from that side
// (one membership rule): a status that counted fewer would let a user
// delete KinD while it still holds what a move carries.
func checkStatusCountsWhatBackupWrites(t *testing.T, dir string, got statusJSON) {
	t.Helper()
	to := filepath.Join(t.TempDir(), "backup")
	res := run(t, dir, "backup", "--to", to)
	want := map[string][]string{"management": nil, "bootstrap": nil}
	if res.code == 0 {
		data, err := os.ReadFile(to + ".manifest.json")
		if err != nil {
			t.Fatalf("backup wrote no manifest: %v (stderr %s)", err, res.stderr)
		}
		var m struct {
			Objects []struct{ Kind, Name, Source string } `json:"objects"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("manifest: %v", err)
		}
		for _, o := range m.Objects {
			for _, side := range []string{"management", "bootstrap"} {
				if o.Source == side || o.Source == "both" {
					want[side] = append(want[side], o.Kind+"/"+o.Name)
				}
			}
		}
	} else if !strings.Contains(res.stderr, "nothing to back up") {
		t.Fatalf("backup exit %d: %s", res.code, res.stderr)
	}
	for side, gotNames := range map[string][]string{"management": got.Objects.Management, "bootstrap": got.Objects.Bootstrap} {
		w := want[side]
		sort.Strings(w)
		g := append([]string(nil), gotNames...)
		sort.Strings(g)
		if strings.Join(g, " ") != strings.Join(w, " ") {
			t.Errorf("status counts %d objects on %s, backup writes %d from it:\n status: %q\n backup: %q", len(g), side, len(w), g, w)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// TestStatus_NoSecrets: at -v=9, neither stdout nor stderr shows the
// kubeconfigs' credentials or any seeded Secret's data.
func TestStatus_NoSecrets(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Split})
	var secrets []string
	for _, path := range []string{w.Layout.ManagementKubeconfig(), w.Layout.BootstrapKubeconfig()} {
		cfg, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range cfg.AuthInfos {
			secrets = append(secrets, keyMaterial(u.ClientKeyData)...)
			secrets = append(secrets, keyMaterial(u.ClientCertificateData)...)
		}
	}
	for _, c := range w.Clusters {
		for _, data := range c.Secrets {
			for _, v := range data {
				secrets = append(secrets, keyMaterial(v)...)
			}
		}
	}
	secrets = append(secrets, w.VCSim.Password)
	for _, args := range [][]string{{"status", "-v=9"}, {"status", "-o", "json", "-v=9"}, {"status", "-o", "yaml", "-v=9"}} {
		res := run(t, w.Dir, args...)
		if !strings.Contains(res.stderr, "GET") {
			t.Errorf("%v: stderr shows no request log at -v=9; the test would prove nothing", args)
		}
		for _, s := range secrets {
			if strings.Contains(res.stdout, s) || strings.Contains(res.stderr, s) {
				t.Errorf("%v printed secret material %.12s...", args, s)
			}
		}
	}
}

// keyMaterial returns recognisable pieces of a secret value: a line of its
// raw text, its base64 form, and the base64 of a PEM body line.
func keyMaterial(v []byte) []string {
	var out []string
	for _, line := range strings.Split(string(v), "\n") {
		if len(line) >= 24 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	if b := base64.StdEncoding.EncodeToString(v); len(b) >= 48 {
		out = append(out, b[:24], b[len(b)-24:])
	}
	return out
}

// TestStatus_BadInput: each mistake gets one line naming the fix and exit 1.
func TestStatus_BadInput(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded})
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.kubeconfig")
	if err := os.WriteFile(corrupt, []byte("apiVersion: v1\nkind: Config\nclusters: [oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	forbidden := filepath.Join(dir, "forbidden.kubeconfig")
	data, err := w.Management.KubeconfigFor("intruder")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(forbidden, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"no workspace", dir, []string{"status"}, "pass --workspace"},
		{"workspace missing", w.Dir, []string{"status", "--workspace", filepath.Join(dir, "nope")}, "is not a folder: pass --workspace"},
		{"unknown cluster", w.Dir, []string{"status", "--cluster-name", "cluster9"}, `no cluster "cluster9"`},
		{"missing kubeconfig", w.Dir, []string{"status", "--kubeconfig", filepath.Join(dir, "nope")}, "--kubeconfig " + filepath.Join(dir, "nope") + ": no such file"},
		{"corrupt kubeconfig", w.Dir, []string{"status", "--kubeconfig", corrupt}, "is not a valid kubeconfig"},
		{"unknown context", w.Dir, []string{"status", "--context", "nope"}, `has no context "nope"`},
		{"unknown bootstrap context", w.Dir, []string{"status", "--bootstrap-context", "nope"}, "fix --bootstrap-context"},
		{"forbidden", w.Dir, []string{"status", "--kubeconfig", forbidden}, "needs read access"},
		{"bad output", w.Dir, []string{"status", "-o", "table"}, "allowed formats"},
		// The version is checked the same whatever the output.
		{"eksa-version garbage", w.Dir, []string{"status", "--eksa-version", "garbage"}, "write it as eksctl prints it, e.g. v0.16.5"},
		{"eksa-version garbage, json", w.Dir, []string{"status", "--eksa-version", "garbage", "-o", "json"}, "write it as eksctl prints it, e.g. v0.16.5"},
		{"eksa-version garbage, yaml", w.Dir, []string{"status", "--eksa-version", "garbage", "-o", "yaml"}, "write it as eksctl prints it, e.g. v0.16.5"},
		{"eksa-version garbage, wide", w.Dir, []string{"status", "--eksa-version", "garbage", "-o", "wide"}, "write it as eksctl prints it, e.g. v0.16.5"},
		{"eksa-version v-garbage", w.Dir, []string{"status", "--eksa-version", "vgarbage"}, "write it as eksctl prints it, e.g. v0.16.5"},
	}
	for _, tt := range tests {
		res := run(t, tt.dir, tt.args...)
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if res.code != 1 || len(lines) != 1 || !strings.Contains(res.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and one line containing %q", tt.name, res.code, res.stderr, tt.want)
		}
		if res.stdout != "" {
			t.Errorf("%s: printed %q on stdout, want nothing", tt.name, res.stdout)
		}
	}
}

// TestMove_Recovery is the 2 a.m. case through the binary: stranded, move,
// verify, and status now asks for the eksctl rerun.
func TestMove_Recovery(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Stranded, Flavour: testworld.V1Beta2})
	if res := run(t, w.Dir, "move"); res.code != 1 || !strings.Contains(res.stderr, "pass --yes") {
		t.Errorf("move without a terminal or --yes = exit %d, %q; want exit 1 asking for --yes", res.code, res.stderr)
	}
	if res := run(t, w.Dir, "move", "--yes"); res.code != 0 || !strings.Contains(res.stdout, "Verified") {
		t.Fatalf("move --yes = exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if res := run(t, w.Dir, "verify"); res.code != 0 {
		t.Errorf("verify = exit %d: %s %s", res.code, res.stdout, res.stderr)
	}
	res := run(t, w.Dir, "status", "-o", "json")
	var got statusJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.State != "UpgradeIncomplete" || len(got.NextSteps) == 0 || !strings.HasPrefix(got.NextSteps[len(got.NextSteps)-1].Command, "eksctl anywhere upgrade cluster -f ") {
		t.Errorf("status after the move = %s %+v, want UpgradeIncomplete with the eksctl rerun", got.State, got.NextSteps)
	}
	// verify fails too, and says where: exit 2, each object named.
	checkVerifyFails(t, w)
}

// TestBackup_SplitChangesNothing: backup reads both sides of a cut-off move,
// marks the objects on both, writes 0700/0600, and changes no cluster.
func TestBackup_SplitChangesNothing(t *testing.T) {
	t.Parallel()
	w := startWorld(t, testworld.Options{Scenario: testworld.Split})
	before, objects := run(t, w.Dir, "status", "-o", "json").stdout, w.StateForTest(t)
	dir := filepath.Join(t.TempDir(), "b")
	res := run(t, w.Dir, "backup", "--to", dir)
	if res.code != 0 || !strings.Contains(res.stdout, "Backed up 32 objects") {
		t.Fatalf("backup = exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	manifest, err := os.ReadFile(dir + ".manifest.json")
	if err != nil || !strings.Contains(string(manifest), `"source": "both"`) {
		t.Errorf("manifest does not mark objects on both clusters: %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if after := run(t, w.Dir, "status", "-o", "json").stdout; stripAges(after) != stripAges(before) {
		t.Errorf("backup changed the clusters: status before and after differ at %s", firstDiff(stripAges(before), stripAges(after)))
	}
	testworld.CheckUnchanged(t, "backup", objects, w.StateForTest(t))
}

// stripAges drops what moves with the clock: ages, and the durations
// findings give ("for": how long nothing changed). When two reads still
// differ, firstDiff says where: a run with two suites on 2 cores once
// failed here with no way to tell what differed.
func stripAges(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, `"age"`) {
			out = append(out, clockDuration.ReplaceAllString(l, "<duration>"))
		}
	}
	return strings.Join(out, "\n")
}

// clockDuration is a Go duration as the findings print it (1m30s, 2h0m0s).
var clockDuration = regexp.MustCompile(`\b(\d+(\.\d+)?(h|m|s|ms))+\b`)

// firstDiff names the first line where a and b differ, for a message.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q, then %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(al), len(bl))
}
