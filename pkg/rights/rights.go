// Package rights asks an API server whether the user may do what a command
// needs, before the command does any of it: one SelfSubjectAccessReview
// per need, a few at a time, and the needs refused named in one line. It
// also renders the ClusterRole that grants a list of needs, so the role a
// README documents is generated from the same list the check uses. It
// creates nothing but access reviews, which the API server answers without
// storing, and never reads or writes any other object.
package rights

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Need is one verb on one resource, in a namespace or ("") cluster-wide.
type Need struct {
	Verb      string // get, list, watch, create, update, patch, delete
	Group     string // "" for the core group
	Resource  string // plural, as in the API's path: machines, secrets
	Namespace string // "" for every namespace (or a cluster-scoped resource)
}

// String reads as kubectl auth can-i's arguments: "create
// machines.cluster.x-k8s.io in eksa-system".
func (n Need) String() string {
	r := n.Resource
	if n.Group != "" {
		r += "." + n.Group
	}
	where := "cluster-wide"
	if n.Namespace != "" {
		where = "in " + n.Namespace
	}
	return n.Verb + " " + r + " " + where
}

// Concurrency bounds the reviews in flight: enough that a hundred needs
// take a few round trips, few enough not to crowd the API server.
const Concurrency = 8

// Missing asks the API server, as the user cfg authenticates (and
// impersonates), about each need and returns those it refuses, in the
// order given. An error is a review that could not be asked; no need is
// then reported allowed that was not.
func Missing(ctx context.Context, cfg *rest.Config, needs []Need) ([]Need, error) {
	// A hundred reviews at client-go's default 5 a second took 20 s; these
	// are writable.Connect's (clusterctl's) own.
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 500, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	reviews := cs.AuthorizationV1().SelfSubjectAccessReviews()
	allowed := make([]bool, len(needs))
	errs := make([]error, len(needs))
	slots := make(chan struct{}, Concurrency)
	var wg sync.WaitGroup
	for i, n := range needs {
		slots <- struct{}{} // a slot before the goroutine: at most Concurrency alive
		wg.Go(func() {
			defer func() { <-slots }()
			r, err := reviews.Create(ctx, &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
				ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: n.Verb, Group: n.Group, Resource: n.Resource, Namespace: n.Namespace},
			}}, metav1.CreateOptions{})
			if err != nil {
				errs[i] = fmt.Errorf("asking whether it may %s: %w", n, err)
				return
			}
			allowed[i] = r.Status.Allowed
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []Need
	for i, n := range needs {
		if !allowed[i] {
			out = append(out, n)
		}
	}
	return out, nil
}

// Check is nil when the user may do every need on the cluster named
// cluster, else one line naming each refused need and the role to ask for.
func Check(ctx context.Context, cluster string, cfg *rest.Config, needs []Need, role string) error {
	missing, err := Missing(ctx, cfg, needs)
	if err != nil {
		return fmt.Errorf("checking your rights on the %s cluster: %w", cluster, err)
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s; nothing was changed: ask for the ClusterRole %s (or run as a user bound to it)", Refused(cluster, "", missing), role)
}

// Refused says, in one clause, which needs the cluster refuses user
// ("" names no user): "the management cluster does not let user "op"
// create machines.cluster.x-k8s.io in eksa-system, ...".
func Refused(cluster, user string, missing []Need) string {
	names := make([]string, len(missing))
	for i, n := range missing {
		names[i] = n.String()
	}
	who := "you"
	if user != "" {
		who = fmt.Sprintf("user %q", user)
	}
	return fmt.Sprintf("the %s cluster does not let %s %s", cluster, who, strings.Join(names, ", "))
}
