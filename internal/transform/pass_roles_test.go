package transform

import "testing"

func TestCoversENI(t *testing.T) {
	all := []string{"ec2:CreateNetworkInterface", "EC2:DescribeNetworkInterfaces", "ec2:deletenetworkinterface"}
	for _, c := range []struct {
		patterns []string
		want     bool
	}{
		{all, true},
		{all[:2], false},
		{[]string{"s3:GetObject", "ec2:*"}, true},
		{[]string{"*"}, true},
		{[]string{"?c2:*NetworkInterface*"}, true},
		{[]string{"[e]c2:*"}, true},
		{[]string{`\ec2:*`}, true},
		{[]string{"s3:*", "logs:*"}, false},
		{[]string{"ec2:Describe*"}, false},
		{nil, false},
	} {
		if got := coversENI(c.patterns); got != c.want {
			t.Errorf("coversENI(%q) = %v, want %v", c.patterns, got, c.want)
		}
	}
}
