package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
)

// stackRun is what qpe enable and qpe disable share: the flags that drive
// an update of a live stack, their checks, the connection, the input to
// the engine and the way its result is written.
type stackRun struct {
	verb                              string // "enable" or "disable"
	stack, bucket, format, changeSet  string
	zone, resolverAddr                string
	yes, acceptUnsafe, acceptDowntime bool
	follow                            bool
	poll, dnsTimeout                  time.Duration
}

// stackRunHelp is the wording of the flags whose meaning differs between
// the two commands.
type stackRunHelp struct {
	yes, follow, zone, resolver, changeSet string
}

// addFlags declares the shared flags.
func (s *stackRun) addFlags(f *pflag.FlagSet, h stackRunHelp) {
	f.StringVar(&s.stack, "stack", "", "name or id of the deployed Quilt stack (required)")
	f.StringVar(&s.bucket, "s3-bucket", "", "bucket to upload a template over 51,200 bytes to")
	f.BoolVar(&s.yes, "yes", false, h.yes)
	f.BoolVar(&s.acceptUnsafe, strings.TrimPrefix(enable.AcceptUnsafeFlag, "--"), false, "go on with a plan whose rollback can fail (its recovery is printed)")
	f.BoolVar(&s.acceptDowntime, strings.TrimPrefix(enable.AcceptDowntimeFlag, "--"), false, "go on with a plan in which users on the private network lose an entry point")
	f.BoolVar(&s.follow, "follow", false, h.follow)
	f.StringVar(&s.zone, "hosted-zone-id", "", h.zone)
	f.StringVar(&s.resolverAddr, "resolver", "", h.resolver)
	f.DurationVar(&s.dnsTimeout, "dns-timeout", enable.DefaultDNSTimeout, "how long to wait for a Route 53 change to be INSYNC and resolve from here")
	f.StringVar(&s.changeSet, "change-set-name", "", h.changeSet)
	f.StringVarP(&s.format, "format", "o", "text", "output format: text or json (-o for short)")
	f.DurationVar(&s.poll, "poll", enable.DefaultPoll, "interval between two reads of the stack events")
}

// usage is a usage error (exit 2) of the command.
func (s *stackRun) usage(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(s.verb+": "+format, a...)}
}

// check refuses flag values that cannot work, before anything is read.
func (s *stackRun) check() error {
	if s.stack == "" {
		return &exitError{code: 2, err: errors.New(s.verb + ": --stack is required (the name of the deployed Quilt stack)")}
	}
	if s.format != "text" && s.format != "json" {
		return s.usage("--format must be text or json, not %q", s.format)
	}
	if s.poll <= 0 {
		return s.usage("--poll must be positive, not %s", s.poll)
	}
	if s.dnsTimeout <= 0 {
		return s.usage("--dns-timeout must be positive, not %s", s.dnsTimeout)
	}
	if s.resolverAddr != "" {
		if _, _, err := net.SplitHostPort(s.resolverAddr); err != nil {
			return s.usage("--resolver must be HOST:PORT (e.g. 10.0.0.2:53): %w", err)
		}
	}
	return nil
}

// session is one run's context (Ctrl-C ends it: the command stops
// following, the update goes on in CloudFormation), connection and
// progress writer.
type session struct {
	ctx        context.Context
	stop       context.CancelFunc
	clients    enable.Clients
	out        io.Writer // the result
	progressTo io.Writer // progress: stderr with --format json
	in         enable.Input
}

// start connects and fills the shared part of the engine's input.
func (s *stackRun) start(cmd *cobra.Command) (*session, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	out := cmd.OutOrStdout()
	progressTo := out
	if s.format == "json" {
		progressTo = cmd.ErrOrStderr()
	}
	cfg, err := connect(ctx, s.verb, awsOptions(cmd), 2*time.Minute, progressPrinter(progressTo, s.verb, false))
	if err != nil {
		stop()
		return nil, err
	}
	w := &enable.Writer{W: progressTo, Live: isTerminal(progressTo), Brief: s.format == "json"}
	if s.verb != "enable" {
		w.Command = s.verb
	}
	in := enable.Input{
		Stack: s.stack, Region: cfg.Region, S3Bucket: s.bucket,
		Yes: s.yes, AcceptUnsafe: s.acceptUnsafe, AcceptDowntime: s.acceptDowntime, FollowOnly: s.follow,
		HostedZoneID: s.zone, DNSTimeout: s.dnsTimeout, ChangeSetName: s.changeSet, Poll: s.poll,
		Observer: w,
	}
	if s.resolverAddr != "" {
		in.Resolver = resolverAt(s.resolverAddr)
	}
	return &session{ctx: ctx, stop: stop, clients: enable.NewClients(cfg), out: out, progressTo: progressTo, in: in}, nil
}

// terminal is the confirmation reader when stdin is a terminal, else nil.
func terminal(cmd *cobra.Command) *bufio.Reader {
	if !isTerminal(cmd.InOrStdin()) {
		return nil
	}
	return bufio.NewReader(cmd.InOrStdin())
}

// finish writes the engine's result and turns it into the exit status.
func (s *stackRun) finish(se *session, r *enable.Result, err error) error {
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("%s: %w", s.verb, err)}
	}
	if s.format == "json" {
		if err := enable.WriteJSON(se.out, r); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("%s: writing the result: %w", s.verb, err)}
		}
	} else {
		fmt.Fprintf(se.out, "qpe %s: %s: %s\n", s.verb, r.Outcome, r.Message)
	}
	if r.Exit != 0 {
		return &exitError{code: r.Exit}
	}
	return nil
}
