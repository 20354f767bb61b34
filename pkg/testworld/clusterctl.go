package testworld

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Upstream clusterctl's move, as the test oracle for the plugin's mover.
//
// Its library (sigs.k8s.io/cluster-api/cmd/clusterctl/client) imports
// github.com/google/go-github, which this module's go.sum does not carry,
// so it cannot be linked into the tests. It runs in a helper program built
// in a module of its own instead, from the same cluster-api release and the
// Go module proxy: the library's client.New and client.Move, timed inside
// the helper so process start-up is not counted. Its one change to clusterctl
// is to skip the server version check (see anyVersion).

const clusterctlHelperMod = `module clusterctlmove

go 1.26

require (
	sigs.k8s.io/cluster-api v1.14.2
	sigs.k8s.io/cluster-api/api v1.14.2
)
`

const clusterctlHelperMain = `package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	clusterctl "sigs.k8s.io/cluster-api/cmd/clusterctl/client"
	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/cluster"
	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/config"
)

// anyVersion is clusterctl's own proxy, less its Kubernetes version check:
// kube-apiserver built from the module proxy reports v0.0.0-master, which
// the check refuses though the server is v1.35.
type anyVersion struct{ cluster.Proxy }

func (anyVersion) ValidateKubernetesVersion() error { return nil }

func main() {
	from := flag.String("from", "", "source kubeconfig")
	to := flag.String("to", "", "target kubeconfig")
	namespace := flag.String("namespace", "", "namespace to move")
	configFile := flag.String("config", "", "clusterctl config file")
	flag.Parse()
	ctx := context.Background()
	start := time.Now()
	err := func() error {
		cfg, err := config.New(ctx, *configFile)
		if err != nil {
			return err
		}
		clusters := func(in clusterctl.ClusterClientFactoryInput) (cluster.Client, error) {
			kc := cluster.Kubeconfig(in.Kubeconfig)
			return cluster.New(kc, cfg, cluster.InjectProxy(anyVersion{cluster.NewProxy(kc)})), nil
		}
		c, err := clusterctl.New(ctx, *configFile, clusterctl.InjectConfig(cfg), clusterctl.InjectClusterClientFactory(clusters))
		if err != nil {
			return err
		}
		return c.Move(ctx, clusterctl.MoveOptions{
			FromKubeconfig: clusterctl.Kubeconfig{Path: *from},
			ToKubeconfig:   clusterctl.Kubeconfig{Path: *to},
			Namespace:      *namespace,
		})
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(time.Since(start).Nanoseconds())
}
`

// Clusterctl runs upstream clusterctl's library Move.
type Clusterctl struct {
	dir, bin string
}

// BuildClusterctl builds the helper in dir. The first build compiles
// clusterctl and its dependencies (minutes on 2 cores); later ones come
// from the Go build cache.
func BuildClusterctl(ctx context.Context, dir string) (*Clusterctl, error) {
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	files := map[string]string{"go.mod": clusterctlHelperMod, "main.go": clusterctlHelperMain, "clusterctl.yaml": ""}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	c := &Clusterctl{dir: dir, bin: filepath.Join(dir, "clusterctl-move")}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", c.bin, ".")
	cmd.Dir = src
	// -mod=mod resolves the helper's own module graph (and writes its own
	// go.sum) without touching this repository's go.mod.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the clusterctl helper: %v: %s", err, bytes.TrimSpace(out))
	}
	return c, nil
}

// Move runs clusterctl's Move of namespace from one server to the other and
// returns the time the library took (client.New and Move).
func (c *Clusterctl) Move(ctx context.Context, from, to *Server, namespace string) (time.Duration, error) {
	var paths []string
	for _, s := range []*Server{from, to} {
		kc, err := s.KubeconfigFor("clusterctl", "system:masters")
		if err != nil {
			return 0, err
		}
		p := filepath.Join(c.dir, s.Name+".kubeconfig")
		if err := os.WriteFile(p, kc, 0o600); err != nil {
			return 0, err
		}
		paths = append(paths, p)
	}
	cmd := exec.CommandContext(ctx, c.bin, "-from", paths[0], "-to", paths[1], "-namespace", namespace,
		"-config", filepath.Join(c.dir, "src", "clusterctl.yaml"))
	// clusterctl keeps its state under HOME; give it the helper's folder.
	cmd.Env = append(os.Environ(), "HOME="+c.dir, "XDG_CONFIG_HOME="+filepath.Join(c.dir, "config"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("clusterctl move from %s to %s: %v: %s", from.Name, to.Name, err, strings.TrimSpace(stderr.String()))
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(stdout.String()), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("clusterctl helper printed %q, want its time in nanoseconds", stdout.String())
	}
	return time.Duration(ns), nil
}
