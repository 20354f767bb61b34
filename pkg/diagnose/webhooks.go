package diagnose

import (
	"fmt"
	"strings"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/snapshot"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// CodeWebhookUnavailable: an admission webhook with failurePolicy Fail has
// no ready endpoint behind its Service, so the API server refuses every
// write it matches, the upgrade's too.
const CodeWebhookUnavailable = "WebhookUnavailable"

// webhooksDead: one hit for every dead webhook together (one clause, one
// finding each, the step for the first: the same Service is usually
// behind them all).
func webhooksDead(f *facts) []hit {
	hooks := f.deadWebhooks()
	if len(hooks) == 0 {
		return nil
	}
	h := hit{clause: text.Plural(len(hooks), "admission webhook") + " with failurePolicy Fail and no ready endpoint",
		steps: []Step{f.webhookStep(hooks[0])}}
	for _, w := range hooks {
		ref := w.Kind + "/" + w.Configuration
		h.objects = append(h.objects, ref)
		h.findings = append(h.findings, Finding{Severity: Error, Code: CodeWebhookUnavailable, Object: ref,
			Location: string(snapshot.Management), Message: fmt.Sprintf(
				"webhook %s (failurePolicy Fail) calls Service %s, which has no ready endpoint: the API server refuses every write it matches",
				w.Name, w.Service)})
	}
	return []hit{h}
}

// deadWebhooks: failurePolicy Fail and no ready endpoint behind the
// Service, so the API server refuses every write the webhook matches.
func (f *facts) deadWebhooks() []snapshot.Webhook {
	var out []snapshot.Webhook
	for _, w := range f.mgmt.Webhooks {
		if w.FailurePolicy == "Fail" && w.Service != "" && w.ReadyEndpoints == 0 {
			out = append(out, w)
		}
	}
	return out
}

func (f *facts) webhookStep(w snapshot.Webhook) Step {
	ns, name, _ := strings.Cut(w.Service, "/")
	return Step{Command: fmt.Sprintf("%s -n %s describe service %s", f.kubectl(), ns, name), Why: fmt.Sprintf(
		"webhook %s (%s %s, failurePolicy Fail) calls Service %s, which has no ready endpoint: the API server refuses "+
			"every write it matches, the upgrade's too. Bring the pods behind the Service back (its selector and events are here); "+
			"do not delete the webhook configuration: it guards what its owner installed it for",
		w.Name, w.Kind, w.Configuration, w.Service)}
}
