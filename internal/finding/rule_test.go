package finding

import "testing"

func TestRuleNewFallsBackToItsRemedy(t *testing.T) {
	r := Rule{ID: "QPE-XX-001", Severity: Warning, Title: "t", Meaning: "m", Remedy: "generic"}
	f := r.New("vpc-1", "", "%d bad", 2)
	if f.ID != r.ID || f.Severity != Warning || f.Remedy != "generic" || f.Message != "2 bad" || f.Resource != "vpc-1" {
		t.Fatalf("got %+v", f)
	}
	if g := r.NewSeverity(Info, "x", "precise", "%s", "100%"); g.Severity != Info || g.Remedy != "precise" || g.Message != "100%" {
		t.Fatalf("got %+v", g)
	}
}

func TestCatalogueSortsAndGates(t *testing.T) {
	mk := func(id string) Check[int] {
		return Check[int]{Rule: Rule{ID: id, Severity: Error}, Run: func(n int) []Finding {
			return []Finding{{ID: id, Message: string(rune('0' + n))}}
		}}
	}
	c := NewCatalogue(mk("QPE-B-002"), mk("QPE-A-001"))
	if c[0].ID != "QPE-A-001" {
		t.Fatalf("not sorted: %v", c.Rules())
	}
	fs := c.Run(1, func(ch Check[int]) bool { return ch.ID != "QPE-A-001" })
	if len(fs) != 1 || fs[0].ID != "QPE-B-002" {
		t.Fatalf("gate ignored: %+v", fs)
	}
	if _, ok := Lookup(c.Rules(), "QPE-B-002"); !ok {
		t.Fatal("lookup")
	}
	if !IDPattern.MatchString("QPE-NET-001") || IDPattern.MatchString("QPE-1") {
		t.Fatal("id pattern")
	}
}
