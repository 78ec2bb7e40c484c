package preflight

import (
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// TestCauseFirst: with a wrong Region the VPC, the endpoint and the
// subnets are all missing; the missing VPC, which names the Region, comes
// first (EP-001 sorted before it and told to create an endpoint in a VPC
// that is not there).
func TestCauseFirst(t *testing.T) {
	fs := []finding.Finding{
		{ID: "QPE-NET-002", Severity: finding.Error, Resource: "subnet-1"},
		{ID: "QPE-EP-001", Severity: finding.Error, Resource: "vpce-1"},
		{ID: "QPE-NET-001", Severity: finding.Error, Resource: "vpc-1", Message: "Region eu-west-1: VPC vpc-1 does not exist in this Region"},
	}
	rep := causeFirst(finding.NewReport(fs))
	if got := rep.Findings[0].ID; got != "QPE-NET-001" {
		t.Errorf("first finding %s, want QPE-NET-001", got)
	}
	if len(rep.Findings) != 3 || rep.Findings[1].ID != "QPE-EP-001" || rep.Findings[2].ID != "QPE-NET-002" {
		t.Errorf("the others moved: %v", rep.Findings)
	}
	one := causeFirst(finding.NewReport(fs[:2]))
	if one.Findings[0].ID != "QPE-EP-001" {
		t.Errorf("without a missing VPC the order stays: %v", one.Findings)
	}
}
