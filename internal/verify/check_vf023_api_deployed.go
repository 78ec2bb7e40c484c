package verify

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIDeployed() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-023",
		Severity: finding.Error,
		Title:    "each REST API stage runs a deployment made after the API last changed",
		Meaning: "A stage's deployment was created before CloudFormation last changed the RestApi (its resource " +
			"LastUpdatedTimestamp, e.g. when the policy or endpoint type changed), so the stage still serves the old " +
			"policy and endpoint configuration; or the API has no stage at all. API Gateway applies policy and " +
			"endpoint changes only with a new deployment.",
		Remedy: "Give the AWS::ApiGateway::Deployment a new logical id (Quilt's ApiDeployment<timestamp>) and update the " +
			"stack, or run aws apigateway create-deployment --rest-api-id <id> --stage-name <stage>.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, a := range st.apis {
			if a.api == nil || a.stages == nil {
				continue
			}
			if len(a.stages) == 0 {
				out = append(out, c.New(a.name(), "",
					"REST API %s has no stage: nothing is deployed, so the catalog cannot call it", a.name()))
				continue
			}
			// CloudFormation's timestamp has milliseconds, API Gateway's
			// createdDate seconds: a deployment made in the same second
			// as the change counts as after it.
			changed := a.lastUpdated.Truncate(time.Second)
			for _, sg := range a.stages {
				name := aws.ToString(sg.stage.StageName)
				if aws.ToString(sg.stage.DeploymentId) == "" {
					out = append(out, c.New(a.name(), "",
						"stage %s of REST API %s has no deployment", name, a.name()))
					continue
				}
				if sg.deployment == nil || sg.deployment.CreatedDate == nil || a.lastUpdated.IsZero() {
					continue
				}
				if created := *sg.deployment.CreatedDate; created.Before(changed) {
					out = append(out, c.New(a.name(),
						"redeploy: give the AWS::ApiGateway::Deployment a new logical id and update the stack, or run aws apigateway create-deployment --rest-api-id "+a.physical+" --stage-name "+name,
						"stage %s of REST API %s runs deployment %s created %s, before the API last changed at %s: the current policy and endpoint configuration are not in force",
						name, a.name(), aws.ToString(sg.stage.DeploymentId), ts(created), ts(a.lastUpdated)))
				}
			}
		}
		return out
	}
	return c
}
