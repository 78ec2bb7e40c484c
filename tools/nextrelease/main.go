// Command nextrelease writes the "next release" of a Quilt template, the
// way Quilt's releases differ (quiltfixture.NextRelease), for upgrade runs by
// hand on a real template:
//
//	nextrelease [-changes release,function,...] TEMPLATE > NEXT.yaml
//
// Without -changes every change is applied. The output is YAML, intrinsics
// in long form.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

func main() {
	changes := flag.String("changes", "", "comma-separated changes to apply (default: all of "+fmt.Sprint(quiltfixture.Changes())+")")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: nextrelease [-changes c1,c2] TEMPLATE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *changes); err != nil {
		fmt.Fprintln(os.Stderr, "nextrelease:", err)
		os.Exit(1)
	}
}

func run(path, changes string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := template.Decode(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var cs []quiltfixture.Change
	for _, c := range strings.Split(changes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cs = append(cs, quiltfixture.Change(c))
		}
	}
	next, err := quiltfixture.NextRelease(doc, cs...)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out, err := template.EncodeYAML(next)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
