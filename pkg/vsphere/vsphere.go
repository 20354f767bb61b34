// Package vsphere cross-checks a cluster's Machines against vCenter: does
// each Machine's VM exist, is it powered on, and which VMs named and filed as
// the cluster's does no Machine point to. It lists every VM with one
// ContainerView and one property-collector Retrieve, so the number of SOAP
// calls does not grow with the number of VMs. What it shows is a
// vcresult.Result, plain values the pure packages read; what goes wrong is
// an *Error whose Kind says what, for the caller to name the fix.
package vsphere

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"k8s.io/klog/v2"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/vsphere/vcresult"
)

// Config says which vCenter to ask and how to trust and log in to it.
type Config struct {
	// Server is the VSphereDatacenterConfig's spec.server (or the
	// VSphereCluster's): a host, host:port or URL.
	Server string
	// Datacenter is the datacenter's name or inventory path; "" looks at
	// every datacenter.
	Datacenter string
	// Thumbprint is the SHA-1 (or SHA-256) thumbprint of vCenter's
	// certificate, trusted when the system's CAs do not trust it.
	Thumbprint string
	// Insecure skips certificate verification; only ever from the user's flag.
	Insecure           bool
	Username, Password string

	// Cluster names the cluster's VMs: CAPV names them after their
	// Machines, <cluster>-....
	Cluster string
	// Folders are where the cluster's VMs are filed (the machine templates'
	// spec.folder); none means anywhere in the datacenter.
	Folders []string
	// OtherClusters are clusters whose names also start with Cluster+"-":
	// their VMs are not this cluster's.
	OtherClusters []string
}

// Expect is a Machine whose VM should exist.
type Expect struct {
	Machine string
	// UUID is the BIOS UUID of its providerID, vsphere://<uuid>; empty while
	// CAPV has not set it, and then the VM is looked for by name.
	UUID string
}

// Check logs in, lists every VM and its power state in one Retrieve,
// matches them to the Machines and logs out. An error is one line, names
// the host and never holds the password.
func Check(ctx context.Context, cfg Config, machines []Expect) (*vcresult.Result, error) {
	start := time.Now()
	u, err := serverURL(cfg.Server)
	if err != nil {
		return nil, err
	}
	res := &vcresult.Result{Server: u.Host, Datacenter: cfg.Datacenter}
	counter := &countingTransport{}
	c, err := login(ctx, cfg, u, counter)
	if err != nil {
		return nil, classify(err, cfg, u.Host)
	}
	defer func() {
		// Logout also drops the session's ContainerView, so the view is
		// never destroyed on its own: one SOAP call fewer.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := session.NewManager(c).Logout(lctx); err != nil {
			klog.V(4).Infof("vCenter %s: logout: %v", u.Host, scrub(err.Error(), cfg.Password))
		}
		res.RoundTrips = counter.calls()
		klog.V(2).Infof("checked vCenter %s in %s with %d SOAP calls", u.Host, time.Since(start).Round(time.Millisecond), res.RoundTrips)
	}()
	inv, err := list(ctx, c)
	if err != nil {
		return nil, classify(err, cfg, u.Host)
	}
	if err := match(res, inv, cfg, machines); err != nil {
		return nil, err
	}
	return res, nil
}

// login trusts the certificate through the system's CAs, else through the
// thumbprint; it skips verification only when told to.
func login(ctx context.Context, cfg Config, u *url.URL, counter *countingTransport) (*vim25.Client, error) {
	sc := soap.NewClient(u, cfg.Insecure)
	if cfg.Thumbprint != "" {
		// soap matches thumbprints by host:port, as it dials.
		sc.SetThumbprint(u.Host, strings.ToUpper(cfg.Thumbprint))
	}
	counter.rt = sc.Transport
	sc.Transport = counter
	c, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return nil, err
	}
	if err := session.NewManager(c).Login(ctx, url.UserPassword(cfg.Username, cfg.Password)); err != nil {
		return nil, err
	}
	return c, nil
}

// serverURL accepts what EKS-A's spec.server holds: a host, host:port or URL.
func serverURL(server string) (*url.URL, error) {
	s := strings.TrimSpace(server)
	if s == "" {
		return nil, &Error{Kind: ErrBadServer}
	}
	u, err := soap.ParseURL(s)
	if err != nil || u.Host == "" {
		return nil, &Error{Kind: ErrBadServer, Host: s}
	}
	u.User = nil
	if u.Port() == "" {
		// The thumbprint is matched against host:port as dialled.
		u.Host += ":443"
	}
	return u, nil
}
