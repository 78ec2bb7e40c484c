package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressServiceNames() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-IN-003",
		Severity: finding.Warning,
		Title:    "the egress service names",
		Meaning:  "An egress service name is not one the project knows (internal/awsservices, with what has a VPC endpoint): it is taken to have an interface endpoint com.amazonaws.<region>.<name>, which may not exist.",
		Remedy:   "Use the VPC endpoint service names (sqs, monitoring, kinesis-firehose, ecr.api, ...) or IAM prefixes (cloudwatch, firehose, ecr).",
	}}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, name := range inv.in.EgressServices {
			if svc, known := awsservices.Lookup(inv.in.Region, name); !known {
				fs = append(fs, c.New(name, "check the name; the known services are those of internal/awsservices (e.g. sqs, monitoring, kinesis-firehose, ecr.api, ecr-public)",
					"egress service %q is not known: it is taken to need the interface endpoint %s without a NAT route", name, svc.Endpoint))
			}
		}
		return fs
	}
	return c
}
