package enable

import "context"

// The update-path model is internal/updatepath (branch updatepath), not in
// main yet. These types mirror its API as owners.md fixes it, so that step
// 3 is written against it; when the package lands they become aliases of
// updatepath's and DefaultPlanner is updatepath.Compute.

// PlanInput is updatepath.Input.
type PlanInput struct {
	Deployed, New                map[string]any
	DeployedParams, NewParams    map[string]string
	Partition, Region, AccountID string
	// ImportedExports: export name -> the stacks that import it.
	ImportedExports map[string][]string
}

// Plan is updatepath.Plan (the part enable reads).
type Plan struct {
	Resources []PlanResource `json:"resources"`
	Rollout   Rollout        `json:"rollout"`
}

// PlanResource is updatepath.Resource (the part enable reads).
type PlanResource struct {
	LogicalID       string   `json:"logicalId"`
	Behavior        string   `json:"behavior"`
	ReplacedBecause []string `json:"replacedBecause"`
}

// Rollout is updatepath.Rollout.
type Rollout struct {
	Waves        [][]string `json:"waves"`
	RollbackSafe bool       `json:"rollbackSafe"`
	Blockers     []Blocker  `json:"blockers"`
}

// Blocker is updatepath.Blocker.
type Blocker struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
	Recovery string `json:"recovery"`
}

// Planner computes the update path of a stack update (updatepath.Compute).
type Planner func(ctx context.Context, in PlanInput) (*Plan, error)
