package perimeter

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// SCPText renders the SCP (minified, or indented) and checks it against
// AWS Organizations' size limit; over it, the error says by how much, and
// whether the minified text would fit.
func (s *Spec) SCPText(indent bool) ([]byte, error) {
	doc := s.SCP()
	text, err := Render(doc, indent)
	if err != nil {
		return nil, err
	}
	if err := CheckSCPSize(text); err != nil {
		if indent {
			if minified, merr := Render(doc, false); merr == nil && CheckSCPSize(minified) == nil {
				err = fmt.Errorf("%w (minified, without --indent, it is %s characters and fits)", err, Thousands(len(minified)))
			}
		}
		return nil, err
	}
	return text, nil
}

// SCPSid is the Sid of the SCP's statement for the scope.
func (s *Spec) SCPSid() string {
	if s.Scope == ScopeAll {
		return SidAll
	}
	return SidS3
}

// PlanWarnings are the warnings of a test plan on bucket: those of its
// bucket policy (policyText), and a bucket the S3-scoped SCP does not cover.
func (s *Spec) PlanWarnings(policyText []byte, nat NATStatus, bucket string) ([]string, error) {
	ws, err := s.BucketWarnings(policyText, nat, bucket)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(bucket, s.BucketPrefix) && s.Scope == ScopeS3 {
		ws = append(ws, fmt.Sprintf("bucket %s does not start with %q: the S3-scoped SCP does not cover it, only its bucket policy does", bucket, s.BucketPrefix))
	}
	return ws, nil
}

// simOutput is the JSON form of a simulation.
type simOutput struct {
	Decision  policy.Decision `json:"decision"`
	Statement *string         `json:"statement"`
	Condition *string         `json:"condition"`
	Reason    string          `json:"reason"`
	// Allow is present for resource policies (a Principal in the policy).
	Allow *simAllow `json:"allow,omitempty"`
}

type simAllow struct {
	Matched   bool    `json:"matched"`
	Statement *string `json:"statement"`
}

// WriteSimulation prints the result of one evaluated request as text (the
// decision, the deciding statement and condition, and the trace) or json.
func WriteSimulation(w io.Writer, res policy.Result, format string) error {
	if format == "json" {
		o := simOutput{Decision: res.Decision, Statement: strPtr(res.Statement), Condition: strPtr(res.Condition), Reason: res.Reason}
		if res.ResourcePolicy {
			o.Allow = &simAllow{Matched: res.AllowMatched, Statement: strPtr(res.AllowStatement)}
		}
		return writeJSON(w, o)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "decision:\t%s\n", res.Decision)
	fmt.Fprintf(tw, "statement:\t%s\n", or(res.Statement, "(none)"))
	fmt.Fprintf(tw, "condition:\t%s\n", or(res.Condition, "(none)"))
	fmt.Fprintf(tw, "reason:\t%s\n", res.Reason)
	if res.ResourcePolicy {
		if res.AllowMatched {
			fmt.Fprintf(tw, "allow:\tmatched by %s\n", res.AllowStatement)
		} else {
			fmt.Fprintf(tw, "allow:\tno Allow statement matched (an IAM caller of the bucket's account then needs an Allow in its identity policy; an AWS service principal or another account needs one here)\n")
		}
	} else if res.Decision == policy.NotDenied {
		fmt.Fprintf(tw, "note:\tthis policy does not deny the request; an SCP never grants access by itself\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.Trace) == 0 {
		return nil // not evaluated: the policy does not apply to the caller
	}
	fmt.Fprintln(w, "statements:")
	for _, t := range res.Trace {
		state := "does not apply"
		if t.Applies {
			state = "applies"
		}
		fmt.Fprintf(w, "  %s (%s) %s: %s\n", t.Statement, t.Effect, state, t.Detail)
	}
	return nil
}

// planRow is the JSON form of one planned request.
type planRow struct {
	Name         string              `json:"name"`
	How          string              `json:"how"`
	Action       string              `json:"action"`
	Resource     string              `json:"resource"`
	Principal    string              `json:"principal"`
	Context      map[string][]string `json:"context"`
	BucketPolicy planVerdict         `json:"bucketPolicy"`
	SCP          *planVerdict        `json:"scp"`
	SCPNote      string              `json:"scpNote,omitempty"`
}

type planVerdict struct {
	Decision  policy.Decision `json:"decision"`
	Statement *string         `json:"statement"`
	Condition *string         `json:"condition"`
}

// WritePlan prints the test plan on bucket as a table with how to run each
// request (text) or as a JSON list (json).
func (s *Spec) WritePlan(w io.Writer, bucket string, rows []PlanRow, format string) error {
	if format == "json" {
		out := make([]planRow, 0, len(rows))
		for _, r := range rows {
			j := planRow{Name: r.Name, How: r.How, Action: r.Request.Action, Resource: r.Request.Resource,
				Principal: r.Request.Principal, Context: r.Request.Context, SCPNote: r.SCPNote,
				BucketPolicy: planVerdict{Decision: r.Bucket.Decision, Statement: strPtr(r.Bucket.Statement), Condition: strPtr(r.Bucket.Condition)}}
			if r.SCP != nil {
				j.SCP = &planVerdict{Decision: r.SCP.Decision, Statement: strPtr(r.SCP.Statement), Condition: strPtr(r.SCP.Condition)}
			}
			out = append(out, j)
		}
		return writeJSON(w, out)
	}
	fmt.Fprintf(w, "Test plan for s3://%s (object %s): bucket policy %s, SCP %s (scope %s)\n\n", bucket, TestObjectKey, SidBucket, s.SCPSid(), s.Scope)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tREQUEST\tACTION\tBUCKET POLICY\tSCP")
	for i, r := range rows {
		scp := r.SCPNote
		if r.SCP != nil {
			scp = string(r.SCP.Decision)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, r.Name, r.Request.Action, r.Bucket.Decision, scp)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nHow to run each request (denied = AccessDenied; not-denied = succeeds when the caller's own policy allows it):")
	for i, r := range rows {
		fmt.Fprintf(w, "%2d. %s\n", i+1, r.How)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func or(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}
