package testworld

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-logr/logr"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// EnvAssets names the folder with kube-apiserver and etcd (make test-assets).
const EnvAssets = "KUBEBUILDER_ASSETS"

// Server is one real API server (kube-apiserver and etcd) started by envtest.
type Server struct {
	Name   string
	env    *envtest.Environment
	Config *rest.Config
}

// envtest logs through controller-runtime's logger and complains with a
// stack trace when none is set; the world reports its own progress.
var silenceEnvtestLogs sync.Once

// startServer starts kube-apiserver and etcd from KUBEBUILDER_ASSETS and
// installs the CRDs. The start timeout is generous: two pairs starting side
// by side on a busy 2-core machine take far longer than envtest's default.
//
// envtest picks etcd's and the API server's ports once per Environment and
// its own five retries reuse them, so a port taken between the pick and the
// bind (another test package's server, a client's source port) fails all
// five in seconds. A fresh Environment picks fresh ports; startAttempts of
// them make that race harmless.
//
// etcd runs without fsync: its data is thrown away with the test, and a
// dozen etcds fsyncing on one busy disk made a write outlast the API
// server's 34-second deadline for a create (CI: "request did not complete
// within requested timeout" while seeding).
func startServer(name string, crds []*apiextensionsv1.CustomResourceDefinition) (*Server, error) {
	silenceEnvtestLogs.Do(func() { ctrllog.SetLogger(logr.Discard()) })
	assets := os.Getenv(EnvAssets)
	if assets == "" {
		return nil, fmt.Errorf("%s is not set: run `make test-assets` and export the folder it prints", EnvAssets)
	}
	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		etcd := &envtest.Etcd{}
		etcd.Configure().Set("unsafe-no-fsync", "true")
		env := &envtest.Environment{
			ControlPlane:             envtest.ControlPlane{Etcd: etcd},
			BinaryAssetsDirectory:    assets,
			CRDs:                     crds,
			ErrorIfCRDPathMissing:    true,
			ControlPlaneStartTimeout: 3 * time.Minute,
			ControlPlaneStopTimeout:  time.Minute,
		}
		cfg, err := env.Start()
		if err == nil {
			cfg.QPS, cfg.Burst = 1000, 2000
			return &Server{Name: name, env: env, Config: cfg}, nil
		}
		_ = env.Stop()
		lastErr = err
	}
	return nil, fmt.Errorf("starting the %s API server (%d attempts with fresh ports): %w", name, startAttempts, lastErr)
}

// startAttempts is how many Environments startServer tries, each on new ports.
const startAttempts = 3

// Stop stops the API server and etcd and removes their data.
func (s *Server) Stop() error {
	if s == nil || s.env == nil {
		return nil
	}
	env := s.env
	s.env = nil
	return env.Stop()
}

// Running reports whether the server has not been stopped.
func (s *Server) Running() bool { return s != nil && s.env != nil }

// Kubeconfig renders a kubeconfig for this server's admin user with the
// cluster, user and context names eksctl's files use.
func (s *Server) Kubeconfig(clusterName, userName, contextName string) ([]byte, error) {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{
		Server:                   s.Config.Host,
		CertificateAuthorityData: s.Config.CAData,
	}
	cfg.AuthInfos[userName] = &clientcmdapi.AuthInfo{
		ClientCertificateData: s.Config.CertData,
		ClientKeyData:         s.Config.KeyData,
		Token:                 s.Config.BearerToken,
	}
	cfg.Contexts[contextName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: userName}
	cfg.CurrentContext = contextName
	return clientcmd.Write(*cfg)
}

// KubeconfigFor renders a kubeconfig for another user of this server, with
// a client certificate naming user and groups: without RBAC bindings such a
// user is authenticated but forbidden everything, as a wrong kubeconfig is.
func (s *Server) KubeconfigFor(user string, groups ...string) ([]byte, error) {
	u, err := s.env.AddUser(envtest.User{Name: user, Groups: groups}, nil)
	if err != nil {
		return nil, err
	}
	return u.KubeConfig()
}
