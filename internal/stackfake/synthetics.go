package stackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// synthetics serves GET /canary/{Name} (GetCanary) and
// POST /canary/{Name}/runs (GetCanaryRuns, most recent first, paginated).
func (s *Server) synthetics(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/canary/")
	name, runs := strings.CutSuffix(rest, "/runs")
	op := "GetCanary"
	if runs {
		op = "GetCanaryRuns"
	}
	if strings.Contains(name, "/") || (runs && r.Method != http.MethodPost) || (!runs && r.Method != http.MethodGet) {
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "stackfake: unsupported Synthetics call "+r.Method+" "+r.URL.Path)
		return
	}
	if f := s.begin(r, "synthetics", op, name); f != nil {
		writeJSONError(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	c, ok := s.scn.Canaries[name]
	if !ok {
		writeJSONError(w, http.StatusNotFound, "ResourceNotFoundException", fmt.Sprintf("Canary %s does not exist.", name))
		return
	}
	if !runs {
		writeJSON(w, map[string]any{"Canary": s.canaryJSON(name, c)})
		return
	}
	var in struct {
		MaxResults int
		NextToken  string
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSONError(w, http.StatusBadRequest, "ValidationException", "malformed body: "+err.Error())
			return
		}
	}
	if in.MaxResults <= 0 || in.MaxResults > 100 {
		in.MaxResults = 100
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "runs-"))
		if err != nil || n < 0 || n > len(c.Runs) {
			writeJSONError(w, http.StatusBadRequest, "ValidationException", "invalid NextToken")
			return
		}
		start = n
	}
	end := min(start+in.MaxResults, len(c.Runs))
	items := make([]any, 0, end-start)
	for _, run := range c.Runs[start:end] {
		status := map[string]any{"State": run.Status}
		if run.StateReason != "" {
			status["StateReason"] = run.StateReason
		}
		if run.StateReasonCode != "" {
			status["StateReasonCode"] = run.StateReasonCode
		}
		tl := map[string]any{}
		putTime(tl, "Started", run.Started)
		putTime(tl, "Completed", run.Completed)
		items = append(items, map[string]any{
			"Id":                 run.ID,
			"Name":               name,
			"Status":             status,
			"Timeline":           tl,
			"ArtifactS3Location": fmt.Sprintf("cw-syn-results-%s-%s/canary/%s/%s", s.scn.Account, s.scn.Region, s.scn.Region, name),
		})
	}
	out := map[string]any{"CanaryRuns": items}
	if end < len(c.Runs) {
		out["NextToken"] = fmt.Sprintf("runs-%d", end)
	}
	writeJSON(w, out)
}

func (s *Server) canaryJSON(name string, c Canary) map[string]any {
	state := c.State
	if state == "" {
		state = "RUNNING"
	}
	status := map[string]any{"State": state}
	if c.StateReason != "" {
		status["StateReason"] = c.StateReason
	}
	sched := c.Schedule
	if sched == "" {
		sched = "rate(5 minutes)"
	}
	out := map[string]any{
		"Id":                 "c0ffee00-0000-4000-8000-000000000000",
		"Name":               name,
		"Status":             status,
		"Schedule":           map[string]any{"Expression": sched, "DurationInSeconds": 0},
		"RuntimeVersion":     "syn-nodejs-puppeteer-9.1",
		"ExecutionRoleArn":   fmt.Sprintf("arn:aws:iam::%s:role/%s-canary", s.scn.Account, name),
		"ArtifactS3Location": fmt.Sprintf("cw-syn-results-%s-%s/canary/%s/%s", s.scn.Account, s.scn.Region, s.scn.Region, name),
	}
	if vc := c.VpcConfig; vc != nil {
		out["VpcConfig"] = map[string]any{"VpcId": vc.VpcID, "SubnetIds": nonNil(vc.SubnetIDs), "SecurityGroupIds": nonNil(vc.SecurityGroupIDs)}
	}
	return out
}
