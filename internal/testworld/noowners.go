package testworld

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// renderedKinds are the kinds of the builder's objects that EKS-A's
// `create cluster` applies itself (its vSphere templates at v0.16.5,
// expected_results_main_cp.yaml and _md.yaml); the rest (Machines,
// MachineSets, bootstrap configs, infrastructure machines, the CA and
// kubeconfig Secrets) are the controllers' to create.
var renderedKinds = map[string]bool{
	"Cluster": true, "VSphereCluster": true, "KubeadmControlPlane": true, "EtcdadmCluster": true,
	"VSphereMachineTemplate": true, "KubeadmConfigTemplate": true, "MachineDeployment": true,
}

// labelledKinds are the rendered kinds whose templates carry the
// cluster-name label; EKS-A renders none on the others.
var labelledKinds = map[string]bool{"Cluster": true, "MachineDeployment": true}

// BuildWithoutOwners renders cluster name's objects as EKS-A applies them
// to KinD in `create cluster`, before any Cluster API controller ran: no
// owner reference, no status, the cluster-name label only where EKS-A's
// templates put it (Cluster, MachineDeployment, ClusterResourceSets). Only
// the spec references tie the KubeadmControlPlane, VSphereCluster,
// EtcdadmCluster and templates to their Cluster. With them: the vSphere
// credentials Secret, the MachineHealthChecks the EKS-A controller adds,
// and the CPI ClusterResourceSet with its Secrets and ConfigMap.
func BuildWithoutOwners(f Flavour, name string, v VCenter) ([]*unstructured.Unstructured, error) {
	c, err := NewCluster(f, name).WithVCenter(v).Build(time.Now())
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, o := range c.Objects {
		credentials := o.GetKind() == "Secret" && o.GetName() == name+"-vsphere-credentials"
		if !renderedKinds[o.GetKind()] && !credentials {
			continue
		}
		u := o.DeepCopy()
		u.SetOwnerReferences(nil)
		delete(u.Object, "status")
		if !labelledKinds[u.GetKind()] {
			labels := u.GetLabels()
			delete(labels, eksa.LabelClusterName)
			u.SetLabels(labels)
		}
		out = append(out, u)
	}
	return append(out, addonObjects(f, name)...), nil
}

// addonObjects are what EKS-A adds beside the templates: a
// MachineHealthCheck per control plane and worker group, and the CPI
// ClusterResourceSet with the Secrets and ConfigMap it applies.
func addonObjects(f Flavour, name string) []*unstructured.Unstructured {
	mhc := func(mhcName string, selector map[string]any) *unstructured.Unstructured {
		u := newObject(f.APIVersion(eksa.GroupCAPI), "MachineHealthCheck", eksa.Namespace, mhcName, nil)
		set(u, machineHealthCheckSpec(f, name, "100%", selector), "spec")
		return u
	}
	crs := newObject(f.APIVersion(eksa.GroupAddons), "ClusterResourceSet", eksa.Namespace, name+"-cpi",
		map[string]string{eksa.LabelClusterName: name})
	set(crs, map[string]any{
		"clusterSelector": map[string]any{"matchLabels": map[string]any{eksa.LabelClusterName: name}},
		"resources": []any{
			map[string]any{"kind": "Secret", "name": name + "-cloud-controller-manager"},
			map[string]any{"kind": "Secret", "name": name + "-cloud-provider-vsphere-credentials"},
			map[string]any{"kind": "ConfigMap", "name": name + "-cpi-manifests"},
		},
	}, "spec")
	resourceSecret := func(secretName, data string) *unstructured.Unstructured {
		u := newObject("v1", "Secret", eksa.Namespace, secretName, nil)
		set(u, "addons.cluster.x-k8s.io/resource-set", "type")
		set(u, encodeData(map[string][]byte{"data": []byte(data)}), "data")
		return u
	}
	cm := newObject("v1", "ConfigMap", eksa.Namespace, name+"-cpi-manifests", nil)
	set(cm, map[string]any{"data": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cloud-controller-manager, namespace: kube-system}\n"}, "data")
	return []*unstructured.Unstructured{
		mhc(name+"-kcp-unhealthy", map[string]any{eksa.LabelControlPlane: ""}),
		mhc(name+"-md-0-worker-unhealthy", map[string]any{eksa.LabelDeploymentName: name + "-md-0"}),
		crs,
		resourceSecret(name+"-cloud-controller-manager", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cloud-controller-manager}\n"),
		resourceSecret(name+"-cloud-provider-vsphere-credentials", "apiVersion: v1\nkind: Secret\nmetadata: {name: cloud-provider-vsphere-credentials}\n"),
		cm,
	}
}

// SeedWithoutOwners seeds cluster3's BuildWithoutOwners objects into the
// world (an Empty one): those onMgmt picks on management, the rest in
// KinD. It returns them all.
func (w *World) SeedWithoutOwners(ctx context.Context, onMgmt func(*unstructured.Unstructured) bool) ([]*unstructured.Unstructured, error) {
	objs, err := BuildWithoutOwners(w.Flavour, SeedClusterName, w.VCSim.VCenter())
	if err != nil {
		return nil, err
	}
	var mgmt, boot []*unstructured.Unstructured
	for _, o := range objs {
		if onMgmt(o) {
			mgmt = append(mgmt, o)
		} else {
			boot = append(boot, o)
		}
	}
	for _, s := range []struct {
		server *Server
		objs   []*unstructured.Unstructured
	}{{w.Management, mgmt}, {w.Bootstrap, boot}} {
		seeder, err := NewSeeder(s.server.Config)
		if err != nil {
			return nil, err
		}
		if err := seeder.Apply(ctx, s.objs); err != nil {
			return nil, fmt.Errorf("seeding %s: %w", s.server.Name, err)
		}
	}
	return objs, nil
}
