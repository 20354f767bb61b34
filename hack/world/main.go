// Command world starts the test world: two real API servers ("bootstrap"
// plays KinD, "management") and vcsim, seeded as a failed eksctl run leaves
// them, with eksctl's files in --dir. It writes DIR/world.env once ready and
// runs until SIGINT or SIGTERM, then stops everything.
//
//	go run ./hack/world --scenario stranded --dir .world
//	go run ./hack/world --scenario create-manifests --provider tinkerbell --dir .world
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "world:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		scenario    = flag.String("scenario", string(testworld.Stranded), "one of: "+strings.Join(testworld.ScenarioNames(), ", "))
		dir         = flag.String("dir", ".world", "workspace folder: eksctl's files, world.env and all temporary files go here")
		flavour     = flag.String("flavour", string(testworld.V1Beta1), "CAPI contract of the CRDs: v1beta1 or v1beta2")
		provider    = flag.String("provider", "", "infrastructure provider: vsphere, cloudstack, nutanix, tinkerbell, snow or docker (default: the seed's vSphere cluster)")
		machines    = flag.Int("machines", 1, "worker Machines of cluster3")
		workloads   = flag.Int("workload-clusters", 0, "workload clusters managed by cluster3 (0: the scenario's default)")
		eksaVersion = flag.String("eksa-version", "", "EKS-A version on management (default: the scenario's era, "+testworld.DefaultEKSAVersion+")")
	)
	flag.Parse()
	sc, err := testworld.ParseScenario(*scenario)
	if err != nil {
		return err
	}
	fl, err := testworld.ParseFlavour(*flavour)
	if err != nil {
		return err
	}
	var prov testworld.Provider
	if *provider != "" {
		if prov, err = testworld.ParseProvider(*provider); err != nil {
			return err
		}
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := containTempFiles(abs); err != nil {
		return err
	}
	if err := ensureAssets(); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := testworld.Start(ctx, testworld.Options{
		Scenario: sc, Flavour: fl, Provider: prov, Dir: abs, Workers: *machines, WorkloadClusters: *workloads,
		EKSAVersion: *eksaVersion,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "world: "+format+"\n", args...)
		},
	})
	if err != nil {
		return err
	}
	envFile := filepath.Join(abs, "world.env")
	defer func() {
		_ = os.Remove(envFile)
		if err := w.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "world: stopping:", err)
		}
		_ = os.RemoveAll(filepath.Join(abs, ".tmp"))
		fmt.Fprintln(os.Stderr, "world: stopped")
	}()

	var lines strings.Builder
	for _, v := range w.Env() {
		fmt.Fprintf(&lines, "export %s=%s\n", v.Name, shellQuote(v.Value))
	}
	if err := os.WriteFile(envFile, []byte(lines.String()), 0o600); err != nil {
		return err
	}
	fmt.Printf("# world %s (%s) is ready; in another shell: source %s\n%s", sc, fl, envFile, lines.String())
	fmt.Fprintln(os.Stderr, "world: running; press Ctrl-C to stop")
	<-ctx.Done()
	return nil
}

// containTempFiles keeps envtest's port locks (XDG_CACHE_HOME) and its and
// vcsim's temporary folders (TMPDIR) inside dir, so stopping the world
// leaves nothing elsewhere.
func containTempFiles(dir string) error {
	tmp := filepath.Join(dir, ".tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	if err := os.Setenv("TMPDIR", tmp); err != nil {
		return err
	}
	return os.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
}

// ensureAssets builds kube-apiserver and etcd on first use when
// KUBEBUILDER_ASSETS is not set (make world sets it).
func ensureAssets() error {
	if os.Getenv(testworld.EnvAssets) != "" {
		return nil
	}
	cmd := exec.Command("bash", "hack/build-test-assets.sh")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("building test assets (run from the repository root, or set %s): %w", testworld.EnvAssets, err)
	}
	return os.Setenv(testworld.EnvAssets, strings.TrimSpace(string(out)))
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
