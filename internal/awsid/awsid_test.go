package awsid

import (
	"regexp"
	"testing"
)

func TestValidMatchesPattern(t *testing.T) {
	for _, tc := range []struct {
		id, prefix string
		want       bool
	}{
		{"vpce-0123456789abcdef0", "vpce", true},
		{"vpc-1a2b3c4d", "vpc", true},
		{"subnet-0123456789abcdef0", "subnet", true},
		{"vpce-0123456789ABCDEF0", "vpce", false},
		{"vpce-0123456789abcdef", "vpce", false},
		{"vpc-0123456789abcdef0", "vpce", false},
		{"vpce-", "vpce", false},
		{"sg-1a2b3c4g", "sg", false},
		{" vpc-1a2b3c4d", "vpc", false},
	} {
		if got := Valid(tc.id, tc.prefix); got != tc.want {
			t.Errorf("Valid(%q, %q) = %v, want %v", tc.id, tc.prefix, got, tc.want)
		}
		if got := regexp.MustCompile(Pattern(tc.prefix)).MatchString(tc.id); got != tc.want {
			t.Errorf("Pattern(%q) on %q = %v, want %v", tc.prefix, tc.id, got, tc.want)
		}
	}
}

func TestAccount(t *testing.T) {
	for s, want := range map[string]bool{"123456789012": true, "12345678901": false, "1234567890123": false, "12345678901a": false, "": false} {
		if Account(s) != want {
			t.Errorf("Account(%q) = %v", s, !want)
		}
	}
}
