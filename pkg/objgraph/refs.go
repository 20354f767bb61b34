package objgraph

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// The references an object holds in its spec to objects that belong with
// it. They exist from the moment EKS-A applies its manifests, before any
// controller sets an owner reference: a `create cluster` cut off then, or
// a move of such objects, has only them to go by.

// Ref is one such reference: the spec field that holds it and the object
// it names.
type Ref struct {
	Field string // e.g. spec.controlPlaneRef
	To    Key
}

func (r Ref) String() string { return r.Field + " -> " + r.To.String() }

// refPaths are the single references, in either contract's shape
// (v1beta1 {apiVersion, kind, name, namespace}, v1beta2 {apiGroup, kind,
// name}), wherever a kind holds them: the Cluster's three, the control
// plane's machine template (v1beta1, v1beta2), the EtcdadmCluster's
// template, the MachineDeployment's (and MachineSet's) template configs,
// the infrastructure cluster's identity or credentials Secret, and a
// MachineHealthCheck's remediation template.
var refPaths = [][]string{
	{"spec", "infrastructureRef"},
	{"spec", "controlPlaneRef"},
	{"spec", "managedExternalEtcdRef"},
	{"spec", "machineTemplate", "infrastructureRef"},
	{"spec", "machineTemplate", "spec", "infrastructureRef"},
	{"spec", "infrastructureTemplate"},
	{"spec", "template", "spec", "bootstrap", "configRef"},
	{"spec", "template", "spec", "infrastructureRef"},
	{"spec", "identityRef"},
	{"spec", "prismCentral", "credentialRef"},
	{"spec", "prismCentral", "additionalTrustBundle"},
	{"spec", "remediationTemplate"},
	{"spec", "remediation", "templateRef"},
	{"spec", "bmcRef"}, // a Tinkerbell Hardware's BMC machine
}

// specRefs reads u's references. A Machine's are not read: status reads
// Machines from their table, without spec, and what they name (their
// bootstrap config and infrastructure machine) is theirs by owner
// reference from the moment it exists; reading them in one place and not
// the other would give status and move two rules.
func specRefs(u *unstructured.Unstructured) []Ref {
	k := KeyOf(u)
	if k.Group == eksa.GroupCAPI && k.Kind == "Machine" {
		return nil
	}
	ns := u.GetNamespace()
	var out []Ref
	add := func(field string, m map[string]any, defaultKind string) {
		if to, ok := refKey(m, k.Group, ns, defaultKind); ok {
			out = append(out, Ref{Field: field, To: to})
		}
	}
	for _, path := range refPaths {
		if m, ok, _ := unstructured.NestedMap(u.Object, path...); ok {
			add(strings.Join(path, "."), m, "")
		}
	}
	// The lists: a CloudStackCluster's endpoint credentials per failure
	// domain, a ClusterResourceSet's resources, a binding's sets.
	each(u, func(i int, m map[string]any) {
		if ep, ok := m["acsEndpoint"].(map[string]any); ok {
			add("spec.failureDomains["+strconv.Itoa(i)+"].acsEndpoint", ep, "Secret")
		}
	}, "spec", "failureDomains")
	// A BMC machine's credentials (bmc.tinkerbell.org).
	if m, ok, _ := unstructured.NestedMap(u.Object, "spec", "connection", "authSecretRef"); ok {
		add("spec.connection.authSecretRef", m, "Secret")
	}
	// A Snow machine (template)'s IP pool, per network interface.
	for _, path := range [][]string{{"spec", "template", "spec", "network", "directNetworkInterfaces"}, {"spec", "network", "directNetworkInterfaces"}} {
		each(u, func(i int, m map[string]any) {
			if pool, ok := m["ipPool"].(map[string]any); ok {
				add(strings.Join(path, ".")+"["+strconv.Itoa(i)+"].ipPool", pool, "")
			}
		}, path...)
	}
	if k.Group == eksa.GroupAddons && k.Kind == "ClusterResourceSet" {
		each(u, func(i int, m map[string]any) { add("spec.resources["+strconv.Itoa(i)+"]", m, "Secret") }, "spec", "resources")
	}
	if k.Group == eksa.GroupAddons && k.Kind == "ClusterResourceSetBinding" {
		each(u, func(i int, m map[string]any) {
			if name, _ := m["clusterResourceSetName"].(string); name != "" {
				out = append(out, Ref{Field: "spec.bindings[" + strconv.Itoa(i) + "].clusterResourceSetName",
					To: Key{Group: eksa.GroupAddons, Kind: "ClusterResourceSet", Name: name}})
			}
		}, "spec", "bindings")
	}
	return out
}

// refKey reads one reference. Its group is its apiGroup (v1beta2) or its
// apiVersion's (v1beta1); without either, Secrets and ConfigMaps are core
// and other kinds are the holder's group (CAPV's identityRef names a
// VSphereClusterIdentity so). A reference to another namespace, or without
// a name, names nothing the namespace's graph holds.
func refKey(m map[string]any, holderGroup, ns, defaultKind string) (Key, bool) {
	str := func(f string) string { s, _ := m[f].(string); return s }
	kind, name := str("kind"), str("name")
	if kind == "" {
		kind = defaultKind
	}
	if kind == "" || name == "" || (str("namespace") != "" && str("namespace") != ns) {
		return Key{}, false
	}
	group, hasGroup := m["apiGroup"].(string)
	if av := str("apiVersion"); av != "" {
		gv, _ := schema.ParseGroupVersion(av)
		group, hasGroup = gv.Group, true
	}
	if !hasGroup {
		group = holderGroup
		if kind == "Secret" || kind == "ConfigMap" {
			group = ""
		}
	}
	return Key{Group: group, Kind: kind, Name: name}, true
}

// each calls fn with every map of the list at path.
func each(u *unstructured.Unstructured, fn func(int, map[string]any), path ...string) {
	list, _, _ := unstructured.NestedSlice(u.Object, path...)
	for i, e := range list {
		if m, ok := e.(map[string]any); ok {
			fn(i, m)
		}
	}
}
