// Package testworld builds the worlds the tests, the benchmarks, `make demo`
// and `hack/world` run the plugin against: real kube-apiserver and etcd
// processes started by envtest (one standing in for the management cluster,
// one for KinD), the providers' CRDs, an in-process vCenter simulator
// (govmomi's vcsim), and the objects a failed eksctl run leaves behind,
// seeded scenario by scenario. envtest runs no controllers, so the world
// writes status, owner references and finalizers itself, as Cluster API's
// controllers would.
//
// It is test-only code: nothing the plugin ships imports it (depguard
// enforces this), and it never decides anything the plugin decides, so a
// test comparing the plugin with the world compares two independent views.
package testworld
