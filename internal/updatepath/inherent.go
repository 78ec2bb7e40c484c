package updatepath

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
)

// Baseline is the same update without the macro: the deployed stack's
// original template (its QuiltPrivateEndpoints Transform entry is taken
// out here) to the new template as given (likewise). Its plan tells which
// findings of the real plan Quilt's release has on its own (Inherent).
type Baseline struct {
	Deployed, New map[string]any
}

// InherentText is the line every report prints under an inherent finding.
const InherentText = "Quilt's release has this without Private Endpoints too"

// BaselineSummary is what the plan of the same update without the macro
// says of the real plan's blockers (Rollout.Baseline).
type BaselineSummary struct {
	// InherentBlockers counts the real plan's blockers the update without
	// the macro has too (Blocker.Inherent); MacroBlockers those it lacks,
	// which the macro adds.
	InherentBlockers int `json:"inherentBlockers"`
	MacroBlockers    int `json:"macroBlockers"`
	// RollbackSafe is the update without the macro's.
	RollbackSafe bool `json:"rollbackSafe"`
	// Blockers are the update without the macro's, "<rule id> <resource>".
	Blockers []string `json:"blockers"`
}

// computeBaseline plans in.Baseline with the real update's parameters and
// context; nil when none is asked.
func computeBaseline(ctx context.Context, in Input) (*Plan, error) {
	if in.Baseline == nil {
		return nil, nil
	}
	dep, _ := macroevent.WithoutEntry(in.Baseline.Deployed)
	nu, _ := macroevent.WithoutEntry(in.Baseline.New)
	p, err := Compute(ctx, Input{
		Deployed: dep, New: nu, DeployedParams: in.DeployedParams, NewParams: in.NewParams,
		Partition: in.Partition, Region: in.Region, AccountID: in.AccountID, StackName: in.StackName,
		ImportedExports: in.ImportedExports, Today: in.Today, RollbackTolerant: in.RollbackTolerant,
	})
	var te *TemplateError
	if errors.As(err, &te) {
		te.Template = "baseline " + te.Template
	}
	return p, err
}

// markInherent marks each finding of the real plan that the baseline plan
// has too: the same rule id on the same logical id, or on the id the macro
// renamed it from (renamed: deployed id -> new id). It returns the
// summary of the blockers.
func markInherent(ro *Rollout, base *Plan, renamed map[string]string) *BaselineSummary {
	had := map[string]bool{}
	sum := &BaselineSummary{RollbackSafe: base.Rollout.RollbackSafe, Blockers: []string{}}
	for _, b := range base.Rollout.Blockers {
		had[b.ID+" "+b.Resource] = true
		sum.Blockers = append(sum.Blockers, b.ID+" "+b.Resource)
	}
	for _, b := range base.Rollout.Warnings {
		had[b.ID+" "+b.Resource] = true
	}
	inherent := func(b Blocker) bool {
		if had[b.ID+" "+b.Resource] {
			return true
		}
		for old, nu := range renamed {
			if (nu == b.Resource && had[b.ID+" "+old]) || (old == b.Resource && had[b.ID+" "+nu]) {
				return true
			}
		}
		return false
	}
	for i := range ro.Blockers {
		ro.Blockers[i].Inherent = inherent(ro.Blockers[i])
		if ro.Blockers[i].Inherent {
			sum.InherentBlockers++
		} else {
			sum.MacroBlockers++
		}
	}
	for i := range ro.Warnings {
		ro.Warnings[i].Inherent = inherent(ro.Warnings[i])
	}
	return sum
}

// InherentOnly reports whether every blocker of the plan is inherent: the
// plan was made with a Baseline and the macro adds none.
func (p *Plan) InherentOnly() bool {
	return p.Rollout.Baseline != nil && len(p.Rollout.Blockers) > 0 &&
		!slices.ContainsFunc(p.Rollout.Blockers, func(b Blocker) bool { return !b.Inherent })
}

// Risk says what a blocker risks when the update goes on anyway: for a
// resource whose rollback step is impossible (a rollback constraint, e.g.
// QPE-UP-008 on a custom resource), what the rollback does to it, that the
// stack is then UPDATE_ROLLBACK_FAILED, and the command that recovers it on
// stack stackName; "" for a blocker whose rollback step is possible (its
// detail and recovery say it).
func (p *Plan) Risk(b Blocker, stackName string) string {
	i := slices.IndexFunc(p.Rollout.Rollback, func(s RollbackStep) bool {
		return s.Resource == b.Resource && !s.Possible && s.Rule == b.ID
	})
	if i < 0 {
		return ""
	}
	what := "a rollback " + p.Rollout.Rollback[i].Step + " of " + b.Resource
	if b.ID == ruleCustomResource.ID {
		what = "a rollback sends " + b.Resource + " an Update with its previous properties, so its handler runs again with them"
		if tasks := p.cascadesFrom(b.Resource, "AWS::ECS::TaskDefinition"); len(tasks) > 0 {
			what = "a rollback re-runs the previous task (" + strings.Join(tasks, ", ") + "'s previous revision): CloudFormation sends " +
				b.Resource + " an Update with its previous properties"
		}
	}
	if stackName == "" {
		stackName = "STACK"
	}
	return what + "; if that fails, the stack is UPDATE_ROLLBACK_FAILED and the recovery is `aws cloudformation continue-update-rollback --stack-name " +
		stackName + " --resources-to-skip " + b.Resource + "`"
}

// cascadesFrom lists the replaced resources of type typ whose new id
// reaches resource id's properties (its changes' cascade causes).
func (p *Plan) cascadesFrom(id, typ string) []string {
	types := map[string]string{}
	for _, r := range p.Resources {
		types[r.LogicalID] = r.Type
	}
	var out []string
	for _, r := range p.Resources {
		if r.LogicalID != id {
			continue
		}
		for _, c := range r.Changes {
			src, ok := strings.CutPrefix(c.Cause, "cascade: ")
			if !ok {
				continue
			}
			src, _, _ = strings.Cut(src, ".")
			if types[src] == typ && !slices.Contains(out, src) {
				out = append(out, src)
			}
		}
	}
	return out
}
