package finding

import (
	"bytes"
	"strings"
	"testing"
)

func TestNewReportOrdersAndDedups(t *testing.T) {
	r := NewReport([]Finding{
		{ID: "B", Severity: Info, Resource: "x"},
		{ID: "Z", Severity: Error, Resource: "y"},
		{ID: "A", Severity: Warning, Resource: "x"},
		{ID: "Z", Severity: Error, Resource: "y"},
	})
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, ","); got != "Z,A,B" {
		t.Fatalf("order = %s, want Z,A,B", got)
	}
	if r.OK || r.ExitCode() != 1 {
		t.Fatalf("a report with an error must not be OK: %+v", r)
	}
	if ok := NewReport(nil); !ok.OK || ok.ExitCode() != 0 || ok.Findings == nil {
		t.Fatalf("empty report: %+v", ok)
	}
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	r := NewReport([]Finding{{ID: "QPE-X", Severity: Error, Resource: "vpc-1", Message: "m", Remedy: "r"}})
	if err := WriteText(&buf, r, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ERROR", "QPE-X", "vpc-1", "fix: r", "1 error(s)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("colour without a terminal")
	}
}
