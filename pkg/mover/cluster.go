// Package mover moves a cluster's Cluster API objects between the KinD
// bootstrap cluster and the management cluster, on clusterctl's algorithm
// and directory format, over unstructured objects so EKS-A's extra fields
// survive and both CAPI contracts work. What moves is objgraph's rule, the
// backup is package backup's format, the clusters are reached through
// package kube. It never imports cobra.
package mover

import "github.com/eksa-recover/kubectl-eksa_recover/pkg/kube"

// Cluster is one API server the mover reads or writes.
type Cluster = kube.Cluster
