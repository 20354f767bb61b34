package ship

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// manifestPlatforms reads the os/arch pairs the krew manifest offers: the
// platforms make dist builds and the README's install section names.
func manifestPlatforms(t *testing.T, path string) []string {
	t.Helper()
	var m struct {
		Spec struct {
			Platforms []struct {
				Selector struct {
					MatchLabels struct {
						OS   string `json:"os"`
						Arch string `json:"arch"`
					} `json:"matchLabels"`
				} `json:"selector"`
			} `json:"platforms"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, path)), &m); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var out []string
	for _, p := range m.Spec.Platforms {
		out = append(out, p.Selector.MatchLabels.OS+"/"+p.Selector.MatchLabels.Arch)
	}
	return out
}

// TestRelease_BuildsOnEveryPlatform builds the binary for every platform
// the krew manifest offers. TestRelease builds only this machine's archive,
// so code that compiles here and nowhere else (syscall.Kill on windows) would
// otherwise surface only in make dist.
func TestRelease_BuildsOnEveryPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the binary for every platform (minutes from a cold build cache)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	platforms := manifestPlatforms(t, filepath.Join(root, "krew-manifest.yaml"))
	if len(platforms) < 5 {
		t.Fatalf("krew-manifest.yaml offers %q; want the five platforms make dist builds", platforms)
	}
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "/")
		cmd := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-o", os.DevNull, "./cmd/kubectl-eksa_recover")
		cmd.Dir = root
		cmd.Env = append(without(os.Environ(), "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS"), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s GOARCH=%s go build ./cmd/kubectl-eksa_recover: %v\n%s", goos, goarch, err, out)
		}
		t.Logf("%s built in %s", p, time.Since(start).Round(time.Second))
	}
}
