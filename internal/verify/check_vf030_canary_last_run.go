package verify

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// completed returns the runs that finished (not RUNNING), most recent first.
func (cn *canaryState) completed() []syntypes.CanaryRun {
	var out []syntypes.CanaryRun
	for _, r := range cn.runs {
		if r.Status != nil && r.Status.State != syntypes.CanaryRunStateRunning {
			out = append(out, r)
		}
	}
	return out
}

func runTime(r syntypes.CanaryRun) string {
	if r.Timeline == nil {
		return "unknown time"
	}
	if r.Timeline.Started != nil {
		return ts(*r.Timeline.Started)
	}
	if r.Timeline.Completed != nil {
		return ts(*r.Timeline.Completed)
	}
	return "unknown time"
}

func runLabel(r syntypes.CanaryRun) string {
	why := ""
	if r.Status != nil {
		why = aws.ToString(r.Status.StateReason)
	}
	if why == "" {
		why = "no reason given"
	}
	return fmt.Sprintf("%s at %s (%s)", aws.ToString(r.Id), runTime(r), why)
}

func checkCanaryLastRun() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-030",
		Severity: finding.Error,
		Title:    "each Synthetics canary's last run passed",
		Meaning: "The canary's most recent completed run FAILED: the catalog, the API or S3 does not answer as the " +
			"canary expects. The failing runs among the last ten are named with their time and reason. When the last " +
			"run passed, an info finding gives its time (and any earlier failures), so the report shows the canaries green.",
		Remedy: "Open the failing run's screenshots and logs (CloudWatch Synthetics console, or the run's artifacts in " +
			"S3); a canary outside the VPC cannot reach an internal catalog or a private API.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, cn := range st.canaries {
			done := cn.completed()
			if len(done) == 0 {
				continue
			}
			var failed []string
			for _, r := range done {
				if r.Status.State == syntypes.CanaryRunStateFailed {
					failed = append(failed, runLabel(r))
				}
			}
			if done[0].Status.State != syntypes.CanaryRunStateFailed {
				earlier := fmt.Sprintf("none of its last %d runs failed", len(done))
				switch {
				case len(done) == 1:
					earlier = "it is the only completed run"
				case len(failed) > 0:
					earlier = fmt.Sprintf("%d of its last %d runs failed: %s", len(failed), len(done), strings.Join(failed, "; "))
				}
				out = append(out, c.NewSeverity(finding.Info, cn.name(), "nothing to do",
					"the last run of canary %s %s at %s; %s", cn.name(), done[0].Status.State, runTime(done[0]), earlier))
				continue
			}
			remedy := ""
			if cn.canary != nil && (cn.canary.VpcConfig == nil || len(cn.canary.VpcConfig.SubnetIds) == 0) && st.vpcID != "" {
				remedy = "the canary runs outside the VPC, so it cannot reach an internal catalog or a private API: attach it to the stack's VPC (VPCConfig with the Subnets parameter) or point it at an address reachable from the internet; then read the failing run's logs in the CloudWatch Synthetics console"
			}
			out = append(out, c.New(cn.name(), remedy,
				"the last run of canary %s FAILED: %s; %d of its last %d runs failed: %s",
				cn.name(), runLabel(done[0]), len(failed), len(done), strings.Join(failed, "; ")))
		}
		return out
	}
	return c
}
