package redact

import (
	"encoding/json"
	"strings"
)

// Redacted replaces every value the plugin keeps out of what it writes.
const Redacted = "<redacted>"

// credentialKeys are the fields whose value is a credential wherever they
// appear: a kubeconfig's user (client key and certificate, token,
// password, exec and auth-provider configs that run or hold a login), and
// the password and token fields of any spec or config.
var credentialKeys = map[string]bool{
	"client-key-data": true, "client-key": true,
	"client-certificate-data": true, "client-certificate": true,
	"token": true, "tokenfile": true, "password": true, "exec": true, "auth-provider": true,
	"privatekey": true, "private-key": true, "bearertoken": true,
}

// Object redacts obj in place: a Secret's data and stringData values
// (their keys stay), every credential field wherever it sits, and every
// string (annotations included) that holds a PEM private key or one of
// known. An annotation that holds JSON (kubectl's last-applied-configuration)
// is redacted as the object it encodes, so it cannot carry what the object
// lost.
func Object(obj map[string]any, known ...string) {
	if kind, _ := obj["kind"].(string); kind == "Secret" {
		for _, field := range []string{"data", "stringData"} {
			if m, ok := obj[field].(map[string]any); ok {
				for k := range m {
					m[k] = Redacted
				}
			}
		}
	}
	for k, v := range obj {
		obj[k] = value(k, v, known)
	}
}

func value(key string, v any, known []string) any {
	if credentialKeys[strings.ToLower(key)] {
		if v == nil || v == "" {
			return v
		}
		return Redacted
	}
	switch x := v.(type) {
	case map[string]any:
		Object(x, known...)
	case []any:
		for i := range x {
			x[i] = value("", x[i], known)
		}
	case string:
		return String(x, known...)
	}
	return v
}

// String redacts one string: JSON that encodes an object is redacted as
// one, any other text by Text.
func String(s string, known ...string) string {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") {
		var obj map[string]any
		if json.Unmarshal([]byte(t), &obj) == nil {
			Object(obj, known...)
			if b, err := json.Marshal(obj); err == nil {
				return string(Text(b, known...))
			}
			return Redacted
		}
	}
	return string(Text([]byte(s), known...))
}
