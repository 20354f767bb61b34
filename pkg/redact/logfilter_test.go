package redact

import "testing"

func TestSecretSafeLogs_FilterS(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		hidden bool
	}{
		{"Secret from the server", `{"kind":"Secret","apiVersion":"v1","data":{"tls.key":"LS0tLS1CRUdJTi"}}`, true},
		{"Secret list", `{"kind":"SecretList","apiVersion":"v1","items":[]}`, true},
		{"Secret sent by the mover", `{"apiVersion":"v1","data":{"value":"c2VjcmV0"},"kind":"Secret"}`, true},
		{"truncated before its kind", `{"apiVersion":"v1","data":{"value":"c2Vjc [truncated 20480 chars]`, true},
		{"binary body", "00000000  6b 38 73 00 0a 0c 0a 02  76 31 12 06 53 65 63 72  |k8s.....v1..Secr|", true},
		{"a Machine", `{"kind":"Machine","apiVersion":"cluster.x-k8s.io/v1beta1","spec":{"clusterName":"cluster3"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, kv := SecretSafeLogs{}.FilterS("Response Body", []any{"body", tt.body})
			got := kv[1].(string)
			if msg != "Response Body" || (got == hiddenBody) != tt.hidden {
				t.Errorf("FilterS(%.30q) = %q, %q; want hidden %v", tt.body, msg, got, tt.hidden)
			}
		})
	}
}

func TestSecretSafeLogs_FilterF(t *testing.T) {
	format, args := SecretSafeLogs{}.FilterF("Response Body: %s", []any{`{"kind":"Secret","data":{"k":"dg=="}}`})
	if format != "%s" || len(args) != 1 || args[0] != hiddenBody {
		t.Errorf("FilterF(a Secret) = %q, %v; want the body hidden", format, args)
	}
	format, args = SecretSafeLogs{}.FilterF("GET %s 200 OK", []any{"https://127.0.0.1/api/v1/namespaces/eksa-system/secrets"})
	if format != "GET %s 200 OK" || args[0] != "https://127.0.0.1/api/v1/namespaces/eksa-system/secrets" {
		t.Errorf("FilterF(a request line) = %q, %v; want it unchanged", format, args)
	}
}
