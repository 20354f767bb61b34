package crds

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// TestStandIns_DeclareWhatTheReaderReads: every field pkg/reader reads
// from an EKS-A kind (derived from its source, above) is declared in that
// kind's stand-in CRD, with the type the read expects, so a world that
// writes it in another shape, or a stand-in that lost it, fails. A case
// that reads several kinds needs each field on one of them (the in-place
// upgrade kinds share one read of what each of them upgrades).
func TestStandIns_DeclareWhatTheReaderReads(t *testing.T) {
	list, err := StandIns()
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, crd := range list {
		byKind[crd.Spec.Names.Kind] = crd
	}
	fields := readerFields(t)
	// The walk must find the reads it knows to be there, or it proves nothing.
	want := map[string]bool{"Cluster spec.eksaVersion": false, "VSphereDatacenterConfig spec.server": false, "ControlPlaneUpgrade|MachineDeploymentUpgrade|NodeUpgrade status.completed": false}
	for _, f := range fields {
		if _, ok := want[f.kinds+" "+f.path]; ok {
			want[f.kinds+" "+f.path] = true
		}
		declared := false
		for _, kind := range strings.Split(f.kinds, "|") {
			crd := byKind[kind]
			if crd == nil {
				t.Errorf("pkg/reader reads %s from %s, which has no stand-in CRD", f.path, kind)
				continue
			}
			if s := schemaAt(crd, f.path); s != nil && (f.typ == "" || s.Type == f.typ) {
				declared = true
			}
		}
		if !declared {
			t.Errorf("pkg/reader reads %s (%s) from %s; no stand-in declares it as such", f.path, orAny(f.typ), f.kinds)
		}
	}
	for read, found := range want {
		if !found {
			t.Errorf("the walk of pkg/reader did not find its read of %s; it found %d reads", read, len(fields))
		}
	}
}

func orAny(typ string) string {
	if typ == "" {
		return "any type"
	}
	return typ
}

// schemaAt is the schema of the field at path in crd's first version
// ("[]" steps into a list's items), or nil when it is not declared.
func schemaAt(crd *apiextensionsv1.CustomResourceDefinition, path string) *apiextensionsv1.JSONSchemaProps {
	schema := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
	for _, part := range strings.Split(path, ".") {
		if part == "[]" {
			if schema.Items == nil || schema.Items.Schema == nil {
				return nil
			}
			schema = schema.Items.Schema
			continue
		}
		next, ok := schema.Properties[part]
		if !ok {
			return nil
		}
		schema = &next
	}
	return schema
}
