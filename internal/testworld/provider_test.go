package testworld

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestClusterBuilder_Providers: every provider's cluster is built owners
// first, and every reference EKS-A renders (before any owner reference
// exists) names an object of the cluster: the references a move must follow.
func TestClusterBuilder_Providers(t *testing.T) {
	for _, f := range Flavours {
		for _, p := range Providers {
			t.Run(string(f)+"/"+string(p), func(t *testing.T) {
				c, err := NewCluster(f, SeedClusterName).WithProvider(p).Build(time.Unix(0, 0))
				if err != nil {
					t.Fatal(err)
				}
				byKindName := checkReferences(t, c)
				wantMachines := 3
				if !p.ExternalEtcd() {
					wantMachines = 2
				}
				if len(c.Machines) != wantMachines {
					t.Errorf("machines = %d, want %d", len(c.Machines), wantMachines)
				}
				for _, m := range c.Machines {
					if !strings.Contains(m.ProviderID(), "://") || (p != VSphere && strings.HasPrefix(m.ProviderID(), "vsphere")) {
						t.Errorf("machine %s providerID = %q", m.Name, m.ProviderID())
					}
				}
				for _, want := range []string{"MachineHealthCheck/cluster3-kcp-unhealthy", "MachineHealthCheck/cluster3-md-0-worker-unhealthy",
					p.info().clusterKind + "/cluster3"} {
					if byKindName[want] == nil {
						t.Errorf("no %s", want)
					}
				}

				// EKS-A's manifests alone: what a create applies before any
				// controller runs still refers only to objects it holds.
				manifests := c.ManifestsOnly()
				checkReferences(t, manifests)
				for _, o := range manifests.Objects {
					if len(o.GetOwnerReferences()) > 0 || o.Object["status"] != nil || o.GetAPIVersion() == "cluster.x-k8s.io/"+string(f) && o.GetKind() == "Machine" {
						t.Errorf("ManifestsOnly has %s %s with owners, status or as a Machine", o.GetKind(), o.GetName())
					}
				}
				if len(manifests.Objects) < 8 || len(manifests.Objects) >= len(c.Objects) {
					t.Errorf("ManifestsOnly kept %d of %d objects", len(manifests.Objects), len(c.Objects))
				}
			})
		}
	}
}

// checkReferences fails t unless c's objects come owners first, once each,
// and every reference among them names one of them; it returns them by
// kind/name.
func checkReferences(t *testing.T, c *Cluster) map[string]*unstructured.Unstructured {
	t.Helper()
	byKindName := map[string]*unstructured.Unstructured{}
	for _, o := range c.Objects {
		key := o.GetKind() + "/" + o.GetName()
		if byKindName[key] != nil {
			t.Errorf("%s built twice", key)
		}
		for _, ref := range o.GetOwnerReferences() {
			if byKindName[ref.Kind+"/"+ref.Name] == nil {
				t.Errorf("%s is owned by %s %s, built later or never", key, ref.Kind, ref.Name)
			}
		}
		byKindName[key] = o
	}
	refs := 0
	for _, o := range c.Objects {
		for _, r := range references(o) {
			refs++
			if byKindName[r] == nil {
				t.Errorf("%s %s refers to %s, which the cluster lacks", o.GetKind(), o.GetName(), r)
			}
		}
	}
	if refs < 6 {
		t.Errorf("%d references checked, want at least 6", refs)
	}
	return byKindName
}

// references lists the kind/name of every object o names by reference.
func references(o *unstructured.Unstructured) []string {
	var out []string
	add := func(kind string, fields ...string) {
		m, ok, _ := unstructured.NestedMap(o.Object, fields...)
		if !ok {
			return
		}
		k, _ := m["kind"].(string)
		if kind != "" {
			k = kind
		}
		if n, _ := m["name"].(string); n != "" && k != "" {
			out = append(out, k+"/"+n)
		}
	}
	add("", "spec", "infrastructureRef")
	add("", "spec", "controlPlaneRef")
	add("", "spec", "managedExternalEtcdRef")
	add("", "spec", "infrastructureTemplate")
	add("", "spec", "machineTemplate", "infrastructureRef")
	add("", "spec", "machineTemplate", "spec", "infrastructureRef")
	add("", "spec", "template", "spec", "infrastructureRef")
	add("", "spec", "template", "spec", "bootstrap", "configRef")
	add("", "spec", "bootstrap", "configRef")
	add("", "spec", "identityRef")
	add("Secret", "spec", "prismCentral", "credentialRef")
	add("", "spec", "bmcRef")
	add("Secret", "spec", "connection", "authSecretRef")
	add("Secret", "spec", "acsEndpoint")
	if name, ok, _ := unstructured.NestedString(o.Object, "spec", "hardwareName"); ok {
		out = append(out, "Hardware/"+name)
	}
	if secret, ok, _ := unstructured.NestedString(o.Object, "spec", "bootstrap", "dataSecretName"); ok {
		out = append(out, "Secret/"+secret)
	}
	resources, _, _ := unstructured.NestedSlice(o.Object, "spec", "resources")
	for _, r := range resources {
		m, _ := r.(map[string]any)
		out = append(out, m["kind"].(string)+"/"+m["name"].(string))
	}
	dnis, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "network", "directNetworkInterfaces")
	for _, d := range dnis {
		if pool, ok, _ := unstructured.NestedString(d.(map[string]any), "ipPool", "name"); ok {
			out = append(out, "AWSSnowIPPool/"+pool)
		}
	}
	return out
}
