package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passFunctionURLs refuses Lambda function URLs that anyone on the internet
// may invoke (AuthType NONE, in any Fn::If branch): AWS::Lambda::Url, and a
// SAM function's FunctionUrlConfig. One whose function or URL is excluded
// stays, with a warning (QPE-TF-026).
func passFunctionURLs(st *state) error {
	for _, id := range st.declared([]string{"AWS::Lambda::Url"}) {
		if !authNone(st.props(id)["AuthType"]) {
			continue
		}
		target := ""
		if ids := template.ReferencedIDs(st.props(id)["TargetFunctionArn"]); len(ids) > 0 {
			target = ids[0]
		}
		if st.excluded[id] || (target != "" && st.excluded[target]) {
			st.warn(tfPublicFunctionURL, id, "AuthType is NONE and the URL (or its function) is excluded: anyone on the internet can invoke the function; set AuthType: AWS_IAM, or keep it public on purpose")
			continue
		}
		return publicURLError(id, target)
	}
	for _, id := range st.declared([]string{"AWS::Serverless::Function"}) {
		cfg, _ := st.props(id)["FunctionUrlConfig"].(map[string]any)
		if !authNone(cfg["AuthType"]) {
			continue
		}
		if st.excluded[id] {
			st.warn(tfPublicFunctionURL, id, "FunctionUrlConfig.AuthType is NONE and the function is excluded: anyone on the internet can invoke it; set AuthType: AWS_IAM, or keep it public on purpose")
			continue
		}
		return publicURLError(id, id)
	}
	return nil
}

func publicURLError(id, function string) error {
	fn := function
	if fn == "" {
		fn = "its function"
	}
	return &Error{Resource: id,
		Message: fmt.Sprintf("a Lambda function URL with AuthType NONE lets anyone on the internet invoke %s, which the private rewrite cannot close (%s)", fn, tfPublicFunctionURL.ID),
		Remedy:  "set AuthType: AWS_IAM, or remove the URL and call the function through the private REST API; to keep it public on purpose, list " + fn + " in the Exclude setting"}
}

// authNone reports whether an AuthType value is NONE, or may be (an Fn::If
// branch, any case).
func authNone(v any) bool {
	if _, yes, no, ok := ifBranches(v); ok {
		return authNone(yes) || authNone(no)
	}
	s, _ := v.(string)
	return strings.EqualFold(s, "NONE")
}
