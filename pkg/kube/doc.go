// Package kube is how the plugin finds what a cluster serves: the
// metadata and discovery clients built on a kubeconfig's rest.Config, the
// discovery of the kinds the plugin reads or moves, the provider
// inventory's kind, and the handler that prints the server's warnings. It
// decides nothing about EKS-A or Cluster API and holds no client that
// writes: a writing command connects through pkg/kube/writable.
package kube
