// Package kube is how the plugin reaches a cluster: the clients built on a
// kubeconfig's rest.Config (dynamic, metadata, discovery), the discovery of
// the kinds a cluster serves that the plugin reads or moves, and the
// provider inventory's kind. It decides nothing about EKS-A or Cluster API:
// it only finds and connects. Every package that talks to a cluster builds
// its clients here.
package kube
