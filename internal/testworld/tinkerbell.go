package testworld

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Tinkerbell's bare-metal inventory: one Hardware per Machine (in use) plus a
// spare, each with its BMC machine (bmc.tinkerbell.org) and the BMC's auth
// Secret, shaped as EKS-A v0.16.5's hardware catalogue writes them
// (pkg/providers/tinkerbell/hardware/catalogue_hardware.go hardwareFromMachine,
// catalogue_bmc.go toRufioMachine, catalogue_secret.go
// baseboardManagementSecretFromMachine, fmt.go: bmc-<host>, bmc-<host>-auth).
//
// What moves, from EKS-A v0.16.5's code: eksctl applies the hardware CSV to
// KinD during a KinD-era upgrade (pkg/workflows/upgrade.go:407 calls
// PostBootstrapSetupUpgrade, pkg/providers/tinkerbell/upgrade.go:176-195
// applyHardwareUpgrade, a forced kubectl apply), but first drops from that
// catalogue every Hardware already provisioned on the cluster
// (upgrade.go:101-116: GetProvisionedTinkerbellHardware selects the label
// v1alpha1.tinkerbell.org/ownerName, pkg/executables/kubectl.go:1768-1776,
// then catalogue.RemoveHardwares): a forced re-apply would replace the
// Hardware and drop CAPT's ownerName/ownerNamespace labels, freeing a
// running node's machine for the next provisioning. So in a stranded KinD:
// the spare Hardware of the CSV, every BMC machine of the catalogue and the
// BMC auth Secrets (the only objects EKS-A labels for move,
// hardware/catalogue_secret.go:93) came from eksctl; the Hardware in use by
// Machines reaches KinD only if clusterctl moved it, i.e. if the tink CRDs
// the Tinkerbell stack installs carry clusterctl's label (the world's real
// tink v0.8.0/v0.12.2 and rufio v0.3.0 CRDs carry none; EKS-A's own stack
// chart was not checked). The world seeds all of it in KinD, as the most a
// stranded KinD can hold. All of it must go back, the Hardware in use with
// its ownerName/ownerNamespace labels intact, never re-created from the CSV
// or a copy without them; what must not be carried: the Workflows and
// Templates (tinkerbell.org) and bmc Jobs/Tasks CAPT and rufio create in
// KinD (no clusterctl label; the management cluster's stack makes its own),
// and no Hardware may be carried onto a management cluster that already
// holds one of that name in use (ownerName set): that one is the truth.

// Labels CAPT puts on the Hardware it allocates to a TinkerbellMachine.
const (
	tinkerbellOwnerName      = "v1alpha1.tinkerbell.org/ownerName"
	tinkerbellOwnerNamespace = "v1alpha1.tinkerbell.org/ownerNamespace"
)

// hardwareName is the Hardware (the host name in the CSV) a Machine runs on.
func hardwareName(m Machine) string { return m.Name + "-hw" }

func (b *ClusterBuilder) tinkerbellHardware(c *Cluster, secret secretFunc) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	add := func(host, selector, owner string) {
		labels := map[string]string{"type": selector}
		if owner != "" {
			labels[tinkerbellOwnerName] = owner
			labels[tinkerbellOwnerNamespace] = eksa.Namespace
		}
		bmcName := "bmc-" + host
		ip := ipFor(host)
		mac := macFor(host)
		hw := newObject("tinkerbell.org/v1alpha1", "Hardware", eksa.Namespace, host, labels)
		set(hw, map[string]any{
			"bmcRef": map[string]any{"apiGroup": "bmc.tinkerbell.org", "kind": "Machine", "name": bmcName},
			"disks":  []any{map[string]any{"device": "/dev/sda"}},
			"metadata": map[string]any{
				"facility": map[string]any{"facility_code": "onprem", "plan_slug": "c2.medium.x86"},
				"instance": map[string]any{
					"id": mac, "hostname": host, "allow_pxe": true, "always_pxe": true,
					"ips":              []any{map[string]any{"address": ip, "netmask": "255.255.0.0", "gateway": "10.0.0.1", "family": 4, "public": true}},
					"operating_system": map[string]any{},
				},
			},
			"interfaces": []any{map[string]any{
				"netboot": map[string]any{"allowPXE": true, "allowWorkflow": true},
				"dhcp": map[string]any{
					"arch": "x86_64", "mac": mac, "hostname": host, "uefi": true, "lease_time": 4294967294,
					"name_servers": []string{"8.8.8.8"},
					"ip":           map[string]any{"address": ip, "netmask": "255.255.0.0", "gateway": "10.0.0.1", "family": 4},
				},
			}},
		}, "spec")
		set(hw, map[string]any{"state": ""}, "status")

		auth := secret(bmcName+"-auth", "kubernetes.io/basic-auth", map[string][]byte{
			"username": []byte("root"), "password": []byte("world-secret-" + stableSuffix(host+"/bmc")),
		}, eksa.LabelMove, "true")
		bmc := newObject("bmc.tinkerbell.org/v1alpha1", "Machine", eksa.Namespace, bmcName, nil)
		set(bmc, map[string]any{"connection": map[string]any{
			"host": ipFor(host + "/bmc"), "port": 623, "insecureTLS": true,
			"authSecretRef": map[string]any{"name": auth.GetName(), "namespace": eksa.Namespace},
		}}, "spec")
		set(bmc, map[string]any{
			"powerState": "on",
			"conditions": []any{map[string]any{"type": "Contactable", "status": "True", "lastUpdateTime": "2023-04-15T15:07:14Z"}},
		}, "status")
		out = append(out, auth, bmc, hw)
	}
	for _, m := range c.Machines {
		selector := map[Role]string{RoleControlPlane: "cp", RoleWorker: "worker"}[m.Role]
		add(hardwareName(m), selector, m.Name)
	}
	// A spare the upgrade's hardware CSV added for the rolling replacement.
	add(b.name+"-spare-hw", "worker", "")
	return out
}

// macFor gives a host a stable MAC address.
func macFor(host string) string {
	u := stableUUID(host)
	return fmt.Sprintf("%s:%s:%s:%s:%s:%s", u[4:6], u[6:8], u[9:11], u[11:13], u[14:16], u[16:18])
}
