package template

import "regexp"

// plainTypes are the implicit types a YAML reader may give a plain
// (unquoted) scalar, from the YAML 1.1 type repository
// (https://yaml.org/type/bool.html, int, float, null, timestamp, merge,
// value) and the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/
// section 10.3.2), widened where common YAML 1.1 readers (PyYAML,
// SnakeYAML) accept more than the type pages say: a float without a dot
// (1e3), a sign on an exponent that may be left out, digits after the dot
// with underscores. A string matching any of them is written quoted.
var plainTypes = []*regexp.Regexp{
	// null: 1.1 and 1.2.
	regexp.MustCompile(`^(~|null|Null|NULL|)$`),
	// bool: 1.1 (y/n, yes/no, on/off) and 1.2 (true/false).
	regexp.MustCompile(`^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`),
	// int: 1.1 base 2, 8 (0123), 10, 16, 60 (190:20:30) with underscores,
	// and 1.2's 0o17.
	regexp.MustCompile(`^[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$`),
	regexp.MustCompile(`^[-+]?(0o[0-7]+|[0-9]+|0x[0-9a-fA-F]+)$`),
	// float: 1.1 base 10 (its type page allows more dots, [0-9.]*), base 60
	// (190:20:30.15), infinity and not-a-number; 1.2 and the readers' 1e3.
	regexp.MustCompile(`^[-+]?([0-9][0-9_]*)?\.[0-9._]*([eE][-+]?[0-9]+)?$`),
	regexp.MustCompile(`^[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+$`),
	regexp.MustCompile(`^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*$`),
	regexp.MustCompile(`^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$`),
	// timestamp: 1.1 (2001-12-14, 2001-12-14t21:59:43.10-05:00,
	// 2001-12-14 21:59:43.10 -5).
	regexp.MustCompile(`^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$`),
	regexp.MustCompile(`^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?(([ \t]*)Z|[ \t]*[-+][0-9][0-9]?(:[0-9][0-9])?)?$`),
	// merge (<<) and value (=): 1.1.
	regexp.MustCompile(`^(<<|=)$`),
}

// readsAsString reports whether a YAML 1.1 or 1.2 reader reads the plain
// scalar s as the string s, and not as a null, a boolean, a number, a date,
// a merge key or a value key.
func readsAsString(s string) bool {
	for _, re := range plainTypes {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}
