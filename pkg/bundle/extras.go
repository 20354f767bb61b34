package bundle

import (
	"context"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/eksa"
)

// Extras are what the bundle reads of a cluster beyond status's read.
type Extras struct {
	// SecretKeys are the key names of each Secret in eksa-system, by
	// namespace/name.
	SecretKeys map[string][]string
	// ServerVersion is the API server's git version.
	ServerVersion string
}

// ReadExtras reads the API server's version and the key names of the
// Secrets in eksa-system. Status reads Secrets as metadata only, which
// holds no key names; the API has no read of keys without values, so the
// Secrets are listed whole and their values dropped here, before anything
// else sees them. A failed read leaves the field empty: the bundle notes
// what it could not collect.
func ReadExtras(ctx context.Context, cfg *rest.Config, timeout time.Duration) Extras {
	out := Extras{}
	if cfg == nil {
		return out
	}
	cancel := context.CancelFunc(func() {})
	if timeout > 0 { // --request-timeout 0 is none
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return out
	}
	if v, err := cs.Discovery().ServerVersion(); err == nil {
		out.ServerVersion = v.GitVersion
	}
	list, err := cs.CoreV1().Secrets(eksa.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return out
	}
	out.SecretKeys = map[string][]string{}
	for i := range list.Items {
		s := &list.Items[i]
		keys := make([]string, 0, len(s.Data)+len(s.StringData))
		for k := range s.Data {
			keys = append(keys, k)
		}
		for k := range s.StringData {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out.SecretKeys[s.Namespace+"/"+s.Name] = keys
	}
	list.Items = nil
	return out
}
