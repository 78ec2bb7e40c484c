// Package cfnresponse answers CloudFormation custom resource requests safely:
// one response per request, sent before the Lambda deadline, with a bounded
// body, a timeout and retries on the PUT, panics recovered into FAILED, and the
// presigned ResponseURL never written to logs or to the Reason.
//
// It uses aws-lambda-go's cfn.Event and cfn.Response types but none of
// cfn.LambdaWrap's behaviour.
package cfnresponse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
)

// Limits CloudFormation puts on a response.
const (
	MaxBodyBytes       = 4096
	MaxPhysicalIDBytes = 1024
)

// Sender PUTs responses to the presigned ResponseURL.
type Sender struct {
	// Client is the HTTP client; nil means a client without a global timeout
	// (each attempt gets AttemptTimeout).
	Client *http.Client
	// Attempts is how many PUTs to try (default 5).
	Attempts int
	// AttemptTimeout bounds one PUT (default 10 s, and never past ctx's deadline).
	AttemptTimeout time.Duration
	// Backoff is the wait before the second attempt; it doubles each time (default 250 ms).
	Backoff time.Duration
	// Logger receives one line per failed attempt (never the URL's query string).
	Logger *slog.Logger
}

func (s *Sender) defaults() (client *http.Client, attempts int, timeout, backoff time.Duration, log *slog.Logger) {
	client = s.Client
	if client == nil {
		client = &http.Client{}
	}
	attempts = s.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	timeout = s.AttemptTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	backoff = s.Backoff
	if backoff <= 0 {
		backoff = 250 * time.Millisecond
	}
	log = s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return
}

// Send PUTs body (already fitted by Encode) to responseURL without a
// Content-Type header, retrying with exponential backoff on transport errors
// and non-2xx answers until it succeeds, attempts run out or ctx ends.
// Errors never contain the URL's query string.
func (s *Sender) Send(ctx context.Context, responseURL string, body []byte) error {
	client, attempts, timeout, backoff, log := s.defaults()
	safe := Redact(responseURL)
	var last error
	for i := 1; i <= attempts; i++ {
		err := s.put(ctx, client, timeout, responseURL, body)
		if err == nil {
			return nil
		}
		last = errors.New(Scrub(err.Error(), responseURL))
		log.Warn("response PUT failed", "attempt", i, "of", attempts, "url", safe, "error", last.Error())
		if i == attempts {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("send response to %s: gave up after %d attempts: %v (%w)", safe, i, last, ctx.Err())
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	return fmt.Errorf("send response to %s: gave up after %d attempts: %v", safe, attempts, last)
}

func (s *Sender) put(ctx context.Context, client *http.Client, timeout time.Duration, u string, body []byte) error {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	// S3 signs presigned PUTs without a Content-Type: sending one breaks the signature.
	req.Header.Del("Content-Type")
	req.ContentLength = int64(len(body))
	c := *client
	// A redirect is not a delivery: Go would follow a 301/302/303 as a GET
	// without the body and report the GET's 200. Stop at the redirect.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// The body of an error may quote the presigned URL's credential and
	// signature (S3's AWSAccessKeyId, StringToSign, ...): keep its error code
	// only.
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		return fmt.Errorf("status %d: the ResponseURL answered with a redirect, which is not a delivery (not followed)", resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		if code := errorCode(msg); code != "" {
			return fmt.Errorf("status %d, error code %s", resp.StatusCode, code)
		}
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

var errorCodeRe = regexp.MustCompile(`<Code>([A-Za-z0-9.]{1,64})</Code>`)

// errorCode is the <Code> of an S3-style XML error body, or "".
func errorCode(body []byte) string {
	if m := errorCodeRe.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// Redact returns the URL without its query string and fragment (the
// presigned signature), safe to log: scheme://host/path?REDACTED.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable ResponseURL>"
	}
	q := ""
	if u.RawQuery != "" {
		q = "?REDACTED"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String() + q
}

// Scrub removes every occurrence of the secret URL, its query string and its
// query values from s (for error messages that embed the URL).
func Scrub(s, secretURL string) string {
	if secretURL == "" {
		return s
	}
	s = strings.ReplaceAll(s, secretURL, Redact(secretURL))
	u, err := url.Parse(secretURL)
	if err != nil {
		return s
	}
	if u.RawQuery != "" {
		s = strings.ReplaceAll(s, u.RawQuery, "REDACTED")
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= 8 {
					s = strings.ReplaceAll(s, v, "REDACTED")
					s = strings.ReplaceAll(s, url.QueryEscape(v), "REDACTED")
				}
			}
		}
	}
	return s
}

// Response builds the response for ev (copying its ids) with a status.
func Response(ev cfn.Event, status cfn.StatusType, physicalID, reason string, data map[string]any) cfn.Response {
	r := cfn.NewResponse(&ev)
	r.Status = status
	r.PhysicalResourceID = physicalID
	r.Reason = reason
	r.Data = data
	return *r
}
