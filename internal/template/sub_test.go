package template

import "testing"

func TestScanSub(t *testing.T) {
	up := func(name string) (string, bool) {
		if name == "A" || name == "B.Arn" {
			return "<" + name + ">", true
		}
		return "", false
	}
	for _, c := range []struct {
		in, want string
		changed  bool
	}{
		{"plain", "plain", false},
		{"${X}-${Y}", "${X}-${Y}", false},
		{"a${A}b${ B.Arn }c${X}d", "a<A>b<B.Arn>c${X}d", true},
		{"${!A}${A}", "${!A}<A>", true},
		{"${A", "${A", false},
		{"x${A}${", "x<A>${", true},
	} {
		got, ch := ScanSub(c.in, up)
		if got != c.want || ch != c.changed {
			t.Errorf("ScanSub(%q) = %q, %v; want %q, %v", c.in, got, ch, c.want, c.changed)
		}
	}
}
