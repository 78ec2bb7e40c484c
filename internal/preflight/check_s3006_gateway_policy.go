package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkS3GatewayPolicy() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-006",
		Severity: finding.Error,
		Title:    "the S3 gateway endpoint's policy",
		Meaning:  "The policy (PolicyDocument, evaluated with the perimeter's IAM evaluator) of an S3 gateway endpoint that routes the private subnets denies the stack's S3 calls: reading and writing its buckets, or ECR's image layers (prod-<region>-starport-layer-bucket). Those calls fail with 403 although the network is right. A policy whose Allow statements only name principals not known yet is a warning.",
		Remedy:   "Let the gateway endpoint's policy allow the stack's buckets and ECR's layer bucket (the default full-access policy does), or remove the Deny statement named in the finding.",
		Source:   "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (the layer bucket); https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
	}, Needs: names(itemEndpoints, itemRouteTables, itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		calls := inv.s3Calls()
		if len(calls) == 0 {
			return nil
		}
		var ids []string
		for _, g := range inv.tableGroups() {
			if id := inv.s3GatewayFor(g.id); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		var fs []finding.Finding
		for _, e := range inv.endpointsFor("s3", "Gateway") {
			id := aws.ToString(e.VpcEndpointId)
			if !slices.Contains(ids, id) {
				continue
			}
			v := inv.evaluatePolicy(&e, calls)
			fix := "allow those calls in the endpoint policy (or reset it to full access): aws ec2 modify-vpc-endpoint --vpc-endpoint-id " + id + " --reset-policy"
			switch {
			case v.err != nil:
				fs = append(fs, c.NewSeverity(finding.Warning, id, "check the endpoint's policy document: "+fix,
					"the policy of S3 gateway endpoint %s could not be evaluated: %s", id, oneLine(v.err.Error())))
			case len(v.denied) > 0:
				fs = append(fs, c.New(id, fix, "the policy of S3 gateway endpoint %s denies the stack's S3 calls: %s", id, strings.Join(v.denied, "; ")))
			case len(v.unproven) > 0:
				fs = append(fs, c.NewSeverity(finding.Warning, id,
					"make sure the principals the endpoint policy allows include the stack's roles, or "+fix,
					"no Allow statement of the policy of S3 gateway endpoint %s matches %s for a caller not known yet", id, strings.Join(v.unproven, "; ")))
			}
		}
		return fs
	}
	return c
}

// s3Calls are the stack's calls through the S3 gateway endpoint: object
// reads, writes and listing on its buckets, and ECR's image layer reads.
func (inv *inventory) s3Calls() []call {
	p := inv.partition()
	var calls []call
	for _, b := range inv.in.Buckets {
		bucket := fmt.Sprintf("arn:%s:s3:::%s", p, b)
		calls = append(calls, call{"s3:ListBucket", bucket, true}, call{"s3:GetObject", bucket + "/*", true}, call{"s3:PutObject", bucket + "/*", true})
	}
	if slices.Contains(inv.in.EgressServices, "ecr.dkr") || slices.Contains(inv.in.EgressServices, "ecr.api") {
		calls = append(calls, call{"s3:GetObject", fmt.Sprintf("arn:%s:s3:::prod-%s-starport-layer-bucket/*", p, inv.in.Region), false})
	}
	return calls
}
