// Package sariftest validates SARIF logs against the SARIF 2.1.0 JSON
// schema, for tests. The schema is vendored next to this file:
// sarif-schema-2.1.0.json from github.com/oasis-tcs/sarif-spec,
// sarif-2.1/schema/sarif-schema-2.1.0.json at commit
// e0583813964ec43cea53b6b531b402866095ed1f (sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
// The validator is github.com/santhosh-tekuri/jsonschema/v6 (the
// maintained major version; v5 is no longer developed), which reads the
// schema's draft-04 dialect.
package sariftest

import (
	"bytes"
	_ "embed"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sarif-schema-2.1.0.json
var schemaJSON []byte

// schemaURL is the schema's own id.
const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// Validate fails the test when data is not a valid SARIF 2.1.0 log.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		t.Fatalf("sariftest: read the schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, schemaDoc); err != nil {
		t.Fatalf("sariftest: %v", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("sariftest: compile the schema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("sariftest: the log is not JSON: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("the log is not valid SARIF 2.1.0: %v", err)
	}
}
