package redact

import "testing"

// TestObject_EveryCredentialKey pins each credential field, spelled as the
// file that holds it spells it, nested where it sits: the value goes and the
// key stays. The values carry no word Text would catch on its own, so only
// the key list redacts them; dropping any key from it fails here.
func TestObject_EveryCredentialKey(t *testing.T) {
	tests := []struct {
		key   string
		where string // what holds such a field
		value any
	}{
		{"client-key-data", "kubeconfig user", "S0VZREFUQS1wbGFpbg=="},
		{"client-key", "kubeconfig user (a file path)", "/home/admin/.kube/admin.key"},
		{"client-certificate-data", "kubeconfig user", "Q0VSVERBVEEtcGxhaW4="},
		{"client-certificate", "kubeconfig user (a file path)", "/home/admin/.kube/admin.crt"},
		{"token", "kubeconfig user", "abcdef.0123456789abcdef"},
		{"tokenFile", "kubeconfig user", "/var/run/secrets/tok"},
		{"password", "kubeconfig user, any spec", "Hunter2Hunter2"},
		{"exec", "kubeconfig user", map[string]any{"command": "aws-iam-authenticator", "args": []any{"token", "-i", "mgmt"}}},
		{"auth-provider", "kubeconfig user", map[string]any{"name": "oidc", "config": map[string]any{"id-token": "eyJhbGciOi-plain"}}},
		{"privateKey", "provider spec or config", "AAAAB3NzaC1yc2EAAA-plain"},
		{"private-key", "provider config", "AAAAC3NzaC1lZDI1NTE5-plain"},
		{"bearerToken", "Cluster API kubeconfig, provider config", "eyJhbGciOiJSUzI1NiIs-plain"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			obj := map[string]any{
				"kind": "Config",
				"users": []any{map[string]any{
					"name": "admin",
					"user": map[string]any{tt.key: tt.value, "username": "admin"},
				}},
			}
			Object(obj)
			user := obj["users"].([]any)[0].(map[string]any)["user"].(map[string]any)
			if user[tt.key] != Redacted {
				t.Errorf("Object(a %s with %s) left %s = %v, want %s", tt.where, tt.key, tt.key, user[tt.key], Redacted)
			}
			if user["username"] != "admin" {
				t.Errorf("Object() changed the username beside %s to %v, want it kept", tt.key, user["username"])
			}
		})
	}
	if len(tests) != len(credentialKeys) {
		t.Errorf("%d keys pinned here, credentialKeys holds %d: pin each new one with where it appears", len(tests), len(credentialKeys))
	}
}
