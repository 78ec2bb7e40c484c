package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
)

// progressPrinter returns a function that prints "qpe NAME: msg" lines to w,
// or nothing when quiet.
func progressPrinter(w io.Writer, name string, quiet bool) func(string) {
	return func(msg string) {
		if !quiet {
			fmt.Fprintf(w, "qpe %s: %s\n", name, msg)
		}
	}
}

// connect loads AWS access for the command name and takes a short look at
// who we are: a bad configuration or refused credentials are exit 2; an STS
// outage costs only a progress line, never the command's deadline.
func connect(ctx context.Context, name string, o awsclient.Options, timeout time.Duration, progress func(string)) (aws.Config, error) {
	cfg, err := awsclient.Load(ctx, o)
	if err != nil {
		return aws.Config{}, &exitError{code: 2, err: fmt.Errorf("%s: %w", name, err)}
	}
	ictx, cancel := context.WithTimeout(ctx, min(10*time.Second, timeout/4))
	account, arn, err := awsclient.Identity(ictx, cfg, o.Profile)
	cancel()
	var ce *awsclient.CredentialsError
	switch {
	case errors.As(err, &ce):
		return aws.Config{}, &exitError{code: 2, err: fmt.Errorf("%s: %w", name, err)}
	case err != nil:
		progress("could not confirm the identity (continuing): " + err.Error())
	default:
		progress(fmt.Sprintf("account %s as %s, Region %s", account, arn, cfg.Region))
	}
	return cfg, nil
}
