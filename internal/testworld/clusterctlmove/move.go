// Package clusterctlmove runs upstream clusterctl's library Move: the test
// oracle the plugin's mover is compared with, for results (the differential
// test) and for speed (make bench). It lives apart from package testworld
// so that the world itself, and hack/world, do not link clusterctl.
package clusterctlmove

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	clusterctl "sigs.k8s.io/cluster-api/cmd/clusterctl/client"
	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/cluster"
	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/config"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld"
)

// Mover runs clusterctl's Move between two of a world's servers.
type Mover struct {
	dir string // kubeconfigs and an empty clusterctl config
}

// New returns a Mover that keeps its files in dir.
func New(dir string) (*Mover, error) {
	// An explicit, empty config: clusterctl would otherwise read
	// $HOME/.cluster-api/clusterctl.yaml, the user's.
	if err := os.WriteFile(filepath.Join(dir, "clusterctl.yaml"), nil, 0o600); err != nil {
		return nil, err
	}
	return &Mover{dir: dir}, nil
}

// anyVersion is clusterctl's own proxy less its Kubernetes version check:
// kube-apiserver built from the module proxy reports v0.0.0-master, which
// the check refuses though the server is v1.35.
type anyVersion struct{ cluster.Proxy }

func (anyVersion) ValidateKubernetesVersion() error { return nil }

// Move moves namespace from one server to the other with clusterctl's
// client.New and Move, and returns the time both took.
func (m *Mover) Move(ctx context.Context, from, to *testworld.Server, namespace string) (time.Duration, error) {
	var paths []string
	for _, s := range []*testworld.Server{from, to} {
		kc, err := s.KubeconfigFor("clusterctl", "system:masters")
		if err != nil {
			return 0, err
		}
		p := filepath.Join(m.dir, s.Name+".kubeconfig")
		if err := os.WriteFile(p, kc, 0o600); err != nil {
			return 0, err
		}
		paths = append(paths, p)
	}
	start := time.Now()
	configFile := filepath.Join(m.dir, "clusterctl.yaml")
	cfg, err := config.New(ctx, configFile)
	if err != nil {
		return 0, err
	}
	clusters := func(in clusterctl.ClusterClientFactoryInput) (cluster.Client, error) {
		kc := cluster.Kubeconfig(in.Kubeconfig)
		return cluster.New(kc, cfg, cluster.InjectProxy(anyVersion{cluster.NewProxy(kc)})), nil
	}
	c, err := clusterctl.New(ctx, configFile, clusterctl.InjectConfig(cfg), clusterctl.InjectClusterClientFactory(clusters))
	if err != nil {
		return 0, err
	}
	err = c.Move(ctx, clusterctl.MoveOptions{
		FromKubeconfig: clusterctl.Kubeconfig{Path: paths[0]},
		ToKubeconfig:   clusterctl.Kubeconfig{Path: paths[1]},
		Namespace:      namespace,
	})
	if err != nil {
		return 0, fmt.Errorf("clusterctl move from %s to %s: %w", from.Name, to.Name, err)
	}
	return time.Since(start), nil
}
