package enable

// stages are the updates of the rollout, in order, each with its settings.
// The rewrite of internal/transform makes the whole change in one update
// that can roll back at every point (docs/rollout.md), so there is one
// stage; a staged rollout adds a stage here with the settings of each
// update, and Run plans, confirms and follows each in turn.
func stages(settings map[string]string) []map[string]string {
	return []map[string]string{settings}
}
