package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkAPIEndpointType() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-002",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's type",
		Meaning:  "The endpoint is not an Interface endpoint (private APIs are reached only through interface endpoints).",
		Remedy:   "Create an Interface endpoint for com.amazonaws.<region>.execute-api and pass its id.",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpoint
		if e == nil || vpcrules.Is(e.VpcEndpointType, "Interface") {
			return nil
		}
		return []finding.Finding{c.New(inv.in.APIEndpointID,
			"create an Interface endpoint for com.amazonaws."+inv.in.Region+".execute-api in "+inv.in.VpcID+" and pass its id",
			"VPC endpoint %s is of type %s, not Interface", inv.in.APIEndpointID, e.VpcEndpointType)}
	}
	return c
}
