package redact

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const testKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretbody\n-----END RSA PRIVATE KEY-----"

func TestObject(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		gone  []string // must not be in the output
		kept  []string // must be
		known []string
	}{
		{"secret data values, keys kept", "kind: Secret\nmetadata: {name: cluster3-kubeconfig}\ndata: {value: c2VjcmV0dmFsdWU=}\nstringData: {extra: plainsecret}",
			[]string{"c2VjcmV0dmFsdWU=", "plainsecret"}, []string{"cluster3-kubeconfig", "value:", "extra:"}, nil},
		{"kubeconfig users", "kind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: S0VZREFUQQ==\n    client-certificate-data: Q0VSVA==\n    token: tok3n-abc\n    exec: {command: aws-iam-authenticator}",
			[]string{"S0VZREFUQQ==", "Q0VSVA==", "tok3n-abc", "aws-iam-authenticator"}, []string{"client-key-data", "admin"}, nil},
		{"last-applied annotation", `kind: ConfigMap
metadata:
  name: x
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","data":{"password":"aHVudGVyMg=="},"metadata":{"name":"creds"}}'`,
			[]string{"aHVudGVyMg=="}, []string{"creds", "last-applied-configuration"}, nil},
		{"PEM key in an annotation", "kind: Cluster\nmetadata:\n  annotations:\n    key: " + `"` + strings.ReplaceAll(testKey, "\n", `\n`) + `"`,
			[]string{"MIIEsecretbody"}, []string{"key:"}, nil},
		{"known value anywhere", "kind: VSphereDatacenterConfig\nspec: {server: vc.example, note: 'pw is Vc3nterPass!'}",
			[]string{"Vc3nterPass!"}, []string{"vc.example"}, []string{"Vc3nterPass!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := map[string]any{}
			if err := yaml.Unmarshal([]byte(tt.in), &obj); err != nil {
				t.Fatal(err)
			}
			Object(obj, tt.known...)
			out, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range tt.gone {
				if strings.Contains(string(out), g) {
					t.Errorf("Object() kept %q:\n%s", g, out)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(string(out), k) {
					t.Errorf("Object() lost %q:\n%s", k, out)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	in := "2026-11-27 password: hunter22 user=admin\n{\"cmd\": \"kubectl --token t0ken99 get\"}\n\"token\": \"abc123\",\n" + testKey + "\nvcenter pw Vc3nterPass! b64 VmMzbnRlclBhc3Mh\nspec:\n  token:\n    name: x\n"
	got := string(Text([]byte(in), "Vc3nterPass!"))
	for _, g := range []string{"hunter22", "abc123", "t0ken99", "MIIEsecretbody", "Vc3nterPass!", "VmMzbnRlclBhc3Mh"} {
		if strings.Contains(got, g) {
			t.Errorf("Text() kept %q:\n%s", g, got)
		}
	}
	for _, k := range []string{"user=admin", `"token": "<redacted>"`, "password: <redacted>", "  token:\n    name: x", `--token <redacted> get"}`} {
		if !strings.Contains(got, k) {
			t.Errorf("Text() lost %q:\n%s", k, got)
		}
	}
}
