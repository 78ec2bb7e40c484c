package finding

import (
	"fmt"
	"io"
	"strings"
)

const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	reset  = "\x1b[0m"
)

// WriteText prints a report as a readable list; color adds ANSI colours to the
// severities (use it only on a terminal).
func WriteText(w io.Writer, r Report, color bool) error {
	var b strings.Builder
	if len(r.Findings) == 0 {
		b.WriteString("No findings: everything checked is in order.\n")
	}
	for _, f := range r.Findings {
		sev := strings.ToUpper(string(f.Severity))
		if color {
			switch f.Severity {
			case Error:
				sev = red + sev + reset
			case Warning:
				sev = yellow + sev + reset
			default:
				sev = cyan + sev + reset
			}
		}
		fmt.Fprintf(&b, "%-7s %s  %s\n", sev, f.ID, f.Resource)
		// A message or remedy of several lines (one service per line)
		// keeps its lines under the finding's indentation.
		indent := strings.NewReplacer("\n", "\n        ")
		fmt.Fprintf(&b, "        %s\n", indent.Replace(f.Message))
		if f.Remedy != "" {
			fmt.Fprintf(&b, "        fix: %s\n", indent.Replace(f.Remedy))
		}
	}
	fmt.Fprintf(&b, "\n%d error(s), %d warning(s), %d info\n", r.Count(Error), r.Count(Warning), r.Count(Info))
	_, err := io.WriteString(w, b.String())
	return err
}
