package enable

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/macro"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// world is one scenario served by the doubles: CloudFormation (with the
// macro's real handler behind its Transform), Lambda, API Gateway and S3
// uploads by stackfake; the VPC by awsfake. Clients talk to them through
// the real SDK over HTTP.
type world struct {
	stack   *stackfake.Server
	ec2     *awsfake.Server
	clients Clients
	out     bytes.Buffer
	// resolver answers the DNS check (withDNS); nil: the laptop's.
	resolver Resolver
}

// startWorld serves testdata/<name>.yaml; edit changes the scenario first.
func startWorld(t *testing.T, name string, edit func(*stackfake.Scenario)) *world {
	t.Helper()
	path := filepath.Join("testdata", name+".yaml")
	scn, err := stackfake.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(scn)
	}
	w := &world{stack: stackfake.Start(scn)}
	t.Cleanup(w.stack.Close)
	w.stack.SetMacro(macro.NewHandler(nil).Invoke)
	cfg := aws.Config{
		Region:       scn.Region,
		Credentials:  aws.AnonymousCredentials{},
		BaseEndpoint: aws.String(w.stack.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 5 * time.Millisecond })
		},
	}
	w.clients = NewClients(cfg)
	var x struct {
		Network *awsfake.World `yaml:"network"`
	}
	if err := fakeworld.Load(path, &x); err != nil {
		t.Fatal(err)
	}
	w.ec2 = awsfake.Start(t, x.Network)
	w.clients.Network = preflight.NewClients(w.ec2.Config())
	w.clients.Verify.Network = w.clients.Network
	return w
}

// input is a run of enable on the scenario's stack, fast polls, output
// written to w.out.
func (w *world) input(in Input) Input {
	if in.Stack == "" {
		in.Stack = "quilt"
	}
	in.Region = "us-east-1"
	in.Poll = 2 * time.Millisecond
	if in.ChangeSetName == "" {
		in.ChangeSetName = "qpe-enable-test"
	}
	in.Observer = &Writer{W: &w.out}
	if in.Resolver == nil {
		in.Resolver = w.resolver
	}
	if in.DNSTimeout == 0 {
		in.DNSTimeout = 10 * time.Second
	}
	return in
}

func (w *world) run(t *testing.T, in Input) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := Run(ctx, w.clients, w.input(in))
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, w.out.String())
	}
	return r
}

// mustContain fails unless s contains every want.
func mustContain(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, x := range want {
		if !strings.Contains(s, x) {
			t.Errorf("output lacks %q:\n%s", x, s)
		}
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
