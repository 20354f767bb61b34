package ship

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// release is what one `make dist` run left in its folder.
type release struct {
	dir      string
	manifest string // the updated krew manifest, named <plugin>.yaml as krew wants
	version  string
	archive  string // this machine's archive
}

// makeDist runs `make dist` into dir for this machine's platform only:
// cross-compiling the other four from a cold cache takes minutes, and their
// archives come out of the same code (EKSA_RECOVER_DIST_PLATFORMS=all builds
// them all). The repository's own krew-manifest.yaml is left alone.
func makeDist(t *testing.T, root, dir string) release {
	t.Helper()
	r := release{dir: dir, manifest: filepath.Join(dir, "eksa-recover.yaml")}
	args := []string{"-C", root, "dist", "DIST_DIR=" + dir, "DIST_MANIFEST=" + r.manifest}
	if os.Getenv("EKSA_RECOVER_DIST_PLATFORMS") != "all" {
		args = append(args, "DIST_PLATFORMS="+runtime.GOOS+"/"+runtime.GOARCH)
	}
	cmd := exec.CommandContext(t.Context(), "make", args...)
	// A clean make: nothing from an outer `make test` command line leaks in.
	cmd.Env = without(os.Environ(), "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	var m struct {
		Spec struct {
			Version string `json:"version"`
		} `json:"spec"`
	}
	data, err := os.ReadFile(r.manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	r.version = m.Spec.Version
	r.archive = filepath.Join(dir, "kubectl-eksa_recover_"+r.version+"_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz")
	if runtime.GOOS == "windows" {
		r.archive = strings.TrimSuffix(r.archive, ".tar.gz") + ".zip"
	}
	return r
}

func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release and runs krew and kubectl")
	}
	tools := os.Getenv("KREW_TOOLS")
	if tools == "" {
		t.Fatal("KREW_TOOLS is not set: run `make test` (it builds krew with hack/krew-tools.sh)")
	}
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is not on PATH: .ci/run installs it")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	first := makeDist(t, root, t.TempDir())

	t.Run("reproducible", func(t *testing.T) {
		second := makeDist(t, root, t.TempDir())
		for _, name := range []string{"SHA256SUMS", "eksa-recover.yaml"} {
			a, b := readFile(t, filepath.Join(first.dir, name)), readFile(t, filepath.Join(second.dir, name))
			if a != b {
				t.Errorf("two make dist runs wrote different %s:\n%s\n---\n%s", name, a, b)
			}
		}
	})

	t.Run("checksums", func(t *testing.T) {
		sums := readFile(t, filepath.Join(first.dir, "SHA256SUMS"))
		for _, line := range strings.Split(strings.TrimSpace(sums), "\n") {
			want, name, _ := strings.Cut(line, "  ")
			if got := sha256Of(t, filepath.Join(first.dir, name)); got != want {
				t.Errorf("sha256(%s) = %s, SHA256SUMS says %s", name, got, want)
			}
			if !strings.Contains(readFile(t, first.manifest), `sha256: "`+want+`"`) {
				t.Errorf("the manifest has no entry with the sha256 of %s", name)
			}
		}
	})

	t.Run("validate-krew-manifest", func(t *testing.T) {
		// -skip-install: its own install step downloads every platform's uri.
		run(t, nil, filepath.Join(tools, "validate-krew-manifest"), "-manifest", first.manifest, "-skip-install")
	})

	krewRoot := t.TempDir()
	env := krewEnv(t, krewRoot, kubectl)
	// Every archive built installs with krew, checksum checked against the
	// manifest; KREW_OS and KREW_ARCH pick the entry. This machine's
	// installation, in krewRoot, serves the tests after this one.
	t.Run("krew install", func(t *testing.T) {
		archives, _ := filepath.Glob(filepath.Join(first.dir, "kubectl-eksa_recover_*"))
		if len(archives) == 0 {
			t.Fatal("make dist wrote no archive")
		}
		for _, archive := range archives {
			goos, goarch := platformOf(archive)
			root, bin := krewRoot, "kubectl-eksa_recover"
			if archive != first.archive {
				root = t.TempDir()
			}
			if goos == "windows" {
				bin += ".exe"
			}
			e := append(krewEnv(t, root, kubectl), "KREW_OS="+goos, "KREW_ARCH="+goarch)
			run(t, e, filepath.Join(tools, "krew"), "install", "--manifest="+first.manifest, "--archive="+archive)
			store := filepath.Join(root, "store", "eksa-recover", first.version)
			for _, f := range []string{
				filepath.Join(store, "LICENSE"),
				filepath.Join(store, bin),
				filepath.Join(store, "kubectl_complete-eksa_recover"),
				filepath.Join(root, "bin", bin), // krew's link, what kubectl finds
			} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Errorf("%s/%s: krew did not install %s: %v", goos, goarch, f, err)
				} else if filepath.Base(f) != "LICENSE" && fi.Mode()&0o111 == 0 {
					t.Errorf("%s/%s: %s is not executable (%v)", goos, goarch, f, fi.Mode())
				}
			}
		}
	})

	t.Run("kubectl eksa-recover version", func(t *testing.T) {
		out := run(t, env, "kubectl", "eksa-recover", "version")
		if !strings.Contains(out, "version: "+first.version+",") {
			t.Errorf("kubectl eksa-recover version = %q, want version %s", out, first.version)
		}
		var info struct {
			Version  string `json:"version"`
			Platform string `json:"platform"`
		}
		if err := json.Unmarshal([]byte(run(t, env, "kubectl", "eksa-recover", "version", "-o", "json")), &info); err != nil {
			t.Fatal(err)
		}
		if info.Version != first.version || info.Platform != runtime.GOOS+"/"+runtime.GOARCH {
			t.Errorf("version -o json = %+v, want %s on %s/%s", info, first.version, runtime.GOOS, runtime.GOARCH)
		}
	})

	t.Run("completion", func(t *testing.T) { testCompletion(t, env, krewRoot) })
}

// krewEnv is the whole environment of krew and kubectl: nothing from the
// user's, so their krew, kubeconfig and plugins stay out of the test.
// The completion script runs under sh, so sh's folder is on the PATH too: a
// kubectl built into a folder of its own (hack/build-kubectl.sh) has no sh
// beside it, as /usr/bin/kubectl has.
func krewEnv(t *testing.T, krewRoot, kubectl string) []string {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal("sh is not on PATH: the completion script runs under it")
	}
	return []string{
		"HOME=" + t.TempDir(),
		"KREW_ROOT=" + krewRoot,
		"KREW_NO_UPGRADE_CHECK=1",
		"PATH=" + strings.Join([]string{filepath.Join(krewRoot, "bin"), filepath.Dir(kubectl), filepath.Dir(sh)}, string(os.PathListSeparator)),
	}
}

// platformOf reads os and arch from kubectl-eksa_recover_<version>_<os>_<arch>.<ext>.
func platformOf(archive string) (goos, goarch string) {
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(archive), ".zip"), ".tar.gz")
	parts := strings.Split(name, "_")
	return parts[len(parts)-2], parts[len(parts)-1]
}

// run runs name with env (nil: this process's) and returns its stdout.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	path := name
	if env != nil && !filepath.IsAbs(name) {
		path = lookPath(t, env, name)
	}
	cmd := exec.CommandContext(t.Context(), path, args...)
	if env != nil {
		cmd.Env = env
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstdout: %s\nstderr: %s", name, args, err, out.String(), errOut.String())
	}
	return out.String()
}

// lookPath finds name on env's PATH, as a shell with that environment
// would; exec.Command looks on this process's PATH instead.
func lookPath(t *testing.T, env []string, name string) string {
	t.Helper()
	for _, kv := range env {
		if path, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, dir := range filepath.SplitList(path) {
				p := filepath.Join(dir, name)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
					return p
				}
			}
		}
	}
	t.Fatalf("%s is not on the test's PATH", name)
	return ""
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sha256Of(t *testing.T, path string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(readFile(t, path)))
	return hex.EncodeToString(sum[:])
}

func without(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}
