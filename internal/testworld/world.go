package testworld

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/internal/testworld/crds"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Options choose what the world seeds.
type Options struct {
	Scenario Scenario
	Flavour  Flavour
	// Provider builds the clusters for that provider, complete with what a
	// real cluster of it carries (see ClusterBuilder.WithProvider). Empty:
	// the seed's vSphere cluster, as every test before providers knew it.
	Provider Provider
	// Dir is the workspace: eksctl's folder for the cluster is written in it.
	Dir         string
	EKSAVersion string // default: the scenario's era, else DefaultEKSAVersion
	// Workers is cluster3's number of worker Machines (default 1).
	Workers int
	// WorkloadClusters managed by cluster3 (default: the scenario's, mostly 0).
	WorkloadClusters int
	// SplitCreated and SplitDeleted shape the split scenario: how many of
	// cluster3's objects (owners first) the cut-off move had created on
	// management, and how many (leaves first) it had deleted from KinD.
	// Zero means all created and a third deleted; a negative SplitDeleted
	// means none deleted.
	SplitCreated, SplitDeleted int
	// Now stamps conditions and backups (default time.Now).
	Now time.Time
	// Logf reports progress (default: silent).
	Logf func(format string, args ...any)
}

// World is two real API servers, "bootstrap" (plays KinD) and
// "management", plus vcsim, seeded as a failed eksctl run leaves them.
type World struct {
	Options
	Management *Server
	Bootstrap  *Server // nil when the scenario has no KinD cluster
	VCSim      *VCSim
	Layout     eksa.Layout
	// Clusters are the seeded CAPI clusters: cluster3 first, then workloads.
	Clusters []*Cluster

	asked Options         // as given to Start, for Reset's defaults
	vms   map[string]bool // BIOS UUIDs of the VMs in vcsim
}

// Start starts the servers and vcsim, seeds the scenario and writes eksctl's
// files. On error everything started so far is stopped.
func Start(ctx context.Context, o Options) (w *World, err error) {
	asked := o
	if err := o.defaults(); err != nil {
		return nil, err
	}
	sc := scenarios[o.Scenario]
	w = &World{Options: o, asked: asked, Layout: eksa.Layout{Workspace: o.Dir, Cluster: SeedClusterName}}
	// The deferred stop holds its own reference: every `return nil, err`
	// below sets w to nil before deferred calls run, and stopping nil would
	// leave both API servers and their etcd running after the test.
	started := w
	defer func() {
		if err != nil {
			_ = started.Stop()
			w = nil
		}
	}()

	capi, err := CAPICRDs(o.Flavour)
	if err != nil {
		return nil, err
	}
	// The provider's CRDs and etcdadm's on both, EKS-A's own CRDs only on
	// management (eksctl does not install them into KinD).
	providers, err := ProviderCRDs(o.Flavour, o.provider())
	if err != nil {
		return nil, err
	}
	eksaCRDs, err := crds.StandIns("eksa")
	if err != nil {
		return nil, err
	}
	bootCRDs := append(append([]*apiextensionsv1.CustomResourceDefinition{}, capi...), providers...)
	mgmtCRDs := append(append([]*apiextensionsv1.CustomResourceDefinition{}, bootCRDs...), eksaCRDs...)

	o.Logf("starting vcsim")
	if w.VCSim, err = StartVCSim(); err != nil {
		return nil, err
	}
	o.Logf("starting the management and bootstrap API servers")
	if err := w.startServers(mgmtCRDs, bootCRDs, sc.bootstrap); err != nil {
		return nil, err
	}
	if err := w.build(sc); err != nil {
		return nil, err
	}
	o.Logf("seeding scenario %s (%s)", o.Scenario, o.Flavour)
	if err := w.seed(ctx, sc); err != nil {
		return nil, err
	}
	if err := w.addVMs(ctx); err != nil {
		return nil, err
	}
	if err := w.actInPlace(ctx, sc.cause); err != nil {
		return nil, err
	}
	if err := w.writeWorkspace(ctx, sc); err != nil {
		return nil, err
	}
	switch sc.stop {
	case "bootstrap":
		o.Logf("stopping the bootstrap API server (%s)", o.Scenario)
		err = w.Bootstrap.Stop()
	case "management":
		o.Logf("stopping the management API server (%s)", o.Scenario)
		err = w.Management.Stop()
	}
	return w, err
}

func (o *Options) defaults() error {
	if _, ok := scenarios[o.Scenario]; !ok {
		_, err := ParseScenario(string(o.Scenario))
		return err
	}
	if o.Provider != "" {
		if _, err := ParseProvider(string(o.Provider)); err != nil {
			return err
		}
	}
	if o.Dir == "" {
		return errors.New("testworld: Options.Dir is required")
	}
	sc := scenarios[o.Scenario]
	if o.EKSAVersion == "" {
		o.EKSAVersion = sc.eksaVersion
	}
	if o.EKSAVersion == "" {
		o.EKSAVersion = DefaultEKSAVersion
	}
	// The era knob: the contract follows the EKS-A version unless a test
	// pins it.
	if o.Flavour == "" {
		o.Flavour = EraFlavour(o.EKSAVersion)
	}
	if _, err := ParseFlavour(string(o.Flavour)); err != nil {
		return err
	}
	if o.Provider == "" {
		o.Provider = sc.provider
	}
	if o.Workers <= 0 {
		o.Workers = max(1, sc.workers)
	}
	if o.WorkloadClusters <= 0 {
		o.WorkloadClusters = sc.defaultWorkloads
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return nil
}

// startServers starts both API servers side by side.
func (w *World) startServers(mgmtCRDs, bootCRDs []*apiextensionsv1.CustomResourceDefinition, bootstrap bool) error {
	var wg sync.WaitGroup
	var mgmtErr, bootErr error
	wg.Go(func() { w.Management, mgmtErr = startServer("management", mgmtCRDs) })
	if bootstrap {
		wg.Go(func() { w.Bootstrap, bootErr = startServer("bootstrap", bootCRDs) })
	}
	wg.Wait()
	return errors.Join(mgmtErr, bootErr)
}

// build renders cluster3 and the workload clusters for the scenario.
func (w *World) build(sc scenario) error {
	b := w.newCluster(SeedClusterName).WithWorkers(w.Workers).WithPaused(sc.capiPaused).WithEtcdMembers(sc.etcdMembers)
	switch {
	case sc.upgraded:
		b.WithVersions(SeedControlPlaneVersion, SeedControlPlaneVersion)
	case sc.preUpgrade:
		b.WithVersions(SeedWorkerVersion, SeedWorkerVersion)
	}
	mgmt, err := b.Build(w.Now)
	if err != nil {
		return err
	}
	if sc.manifestsOnly {
		mgmt = mgmt.ManifestsOnly()
	}
	w.Clusters = []*Cluster{mgmt}
	for i := 1; i <= w.WorkloadClusters; i++ {
		c, err := w.newCluster(fmt.Sprintf("w%02d", i)).
			WithVersions(SeedControlPlaneVersion, SeedControlPlaneVersion).
			WithPaused(sc.workloadsPaused).Build(w.Now)
		if err != nil {
			return err
		}
		w.Clusters = append(w.Clusters, c)
	}
	return nil
}

// addVMs creates in vcsim the VMs of the vSphere Machines it lacks.
func (w *World) addVMs(ctx context.Context) error {
	if w.vms == nil {
		w.vms = map[string]bool{}
	}
	var machines []Machine
	for _, c := range w.Clusters {
		for _, m := range c.Machines {
			if m.Provider == "" && !w.vms[m.UUID] { // vSphere's run in vcsim
				machines = append(machines, m)
				w.vms[m.UUID] = true
			}
		}
	}
	w.Logf("creating %d VMs in vcsim", len(machines))
	return w.VCSim.AddVMs(ctx, machines)
}

// newCluster starts a builder for the world's flavour and provider.
func (w *World) newCluster(name string) *ClusterBuilder {
	b := NewCluster(w.Flavour, name).WithVCenter(w.VCSim.VCenter())
	if w.Provider != "" {
		b.WithProvider(w.Provider)
	}
	return b
}

// provider is the world's provider, vSphere when none was asked for.
func (o Options) provider() Provider {
	if o.Provider == "" {
		return VSphere
	}
	return o.Provider
}

// Cluster3 is the management cluster's own CAPI cluster.
func (w *World) Cluster3() *Cluster { return w.Clusters[0] }

// Stop stops everything the world started. The world's files stay in Dir.
func (w *World) Stop() error {
	if w == nil {
		return nil
	}
	var errs []error
	if w.Bootstrap != nil {
		errs = append(errs, w.Bootstrap.Stop())
	}
	if w.Management != nil {
		errs = append(errs, w.Management.Stop())
	}
	if w.VCSim != nil {
		w.VCSim.Stop()
		w.VCSim = nil
	}
	return errors.Join(errs...)
}

func stripStatus(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.DeepCopy()
		delete(out[i].Object, "status")
	}
	return out
}
