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
		// IAM has no classes or escapes: path.Match's accepted these (it
		// said yes to ec2:[cd]*, which grants no EC2 action).
		{[]string{"[e]c2:*"}, false},
		{[]string{`\ec2:*`}, false},
		{[]string{"ec2:[cd]*"}, false},
		{[]string{"ec2:[CD]*NetworkInterface*"}, false},
		{[]string{"s3:*", "logs:*"}, false},
		{[]string{"ec2:Describe*"}, false},
		{nil, false},
	} {
		if got := coversENI(c.patterns); got != c.want {
			t.Errorf("coversENI(%q) = %v, want %v", c.patterns, got, c.want)
		}
	}
}
