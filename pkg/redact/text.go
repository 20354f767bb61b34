package redact

import (
	"bytes"
	"encoding/base64"
	"regexp"
)

var (
	// pemPrivateKey is any PEM private key block (RSA, EC, PKCS#8,
	// OpenSSH, encrypted), also when its line breaks were escaped into a
	// JSON or YAML string.
	pemPrivateKey = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)-----END [A-Z0-9 ]*PRIVATE KEY-----`)
	// credentialAssignment is a credential written as a key and a value on
	// one line of text or YAML (logs, specs): password: x, token=x,
	// "client-key-data": "x". The key stays, the value goes.
	// credentialFlag is a credential passed as a flag of a logged
	// command (kubectl --token x).
	credentialFlag       = regexp.MustCompile(`(?i)(--(?:token|password|client-key|client-key-data)[ =])("[^"]*"|'[^']*'|[^\s"',}]+)`)
	credentialAssignment = regexp.MustCompile(`(?i)("?\b(?:password|passwd|token|bearer-token|client-key-data|client-certificate-data|secret-access-key)"?[ \t]*[:=][ \t]*)("[^"]*"|'[^']*'|[^\s,}]+)`)
)

// minKnown: shorter known values would blot out ordinary words.
const minKnown = 4

// Text redacts free text (logs, files of unknown shape): PEM private
// keys, credential assignments, and each of known (values the plugin knows
// are secret, such as the vCenter password), raw or in base64.
func Text(b []byte, known ...string) []byte {
	b = pemPrivateKey.ReplaceAll(b, []byte(Redacted))
	b = credentialFlag.ReplaceAll(b, []byte("${1}"+Redacted))
	b = credentialAssignment.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := credentialAssignment.FindSubmatch(m)
		key, value := append([]byte(nil), sub[1]...), sub[2]
		if bytes.Equal(bytes.Trim(value, `"'`), []byte(Redacted)) {
			return m
		}
		// A quoted value stays quoted, so JSON and YAML still parse.
		if q := value[0]; q == '"' || q == '\'' {
			return append(append(append(key, q), Redacted...), q)
		}
		return append(key, Redacted...)
	})
	for _, k := range known {
		if len(k) < minKnown {
			continue
		}
		b = bytes.ReplaceAll(b, []byte(k), []byte(Redacted))
		b = bytes.ReplaceAll(b, []byte(base64.StdEncoding.EncodeToString([]byte(k))), []byte(Redacted))
	}
	return b
}
