// Command leavetemplate writes the template of qpe disable's final update
// (transform.LeaveOrder) for runs by hand on a real template: the original
// template without the QuiltPrivateEndpoints Transform plus the DependsOn
// that order the update from the deployed render safely, each listed on
// stderr with why:
//
//	leavetemplate DEPLOYED_RENDER ORIGINAL > LEAVE.json
//	qpe plan DEPLOYED_RENDER LEAVE.json
//
// DEPLOYED_RENDER is the processed template the stack runs (qpe render -o
// json of ORIGINAL); ORIGINAL the Quilt template (a Transform entry of
// QuiltPrivateEndpoints in it is dropped). The output is JSON.
package main

import (
	"fmt"
	"os"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: leavetemplate DEPLOYED_RENDER ORIGINAL > LEAVE.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "leavetemplate:", err)
		os.Exit(1)
	}
}

func read(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := template.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

func run(deployedPath, originalPath string) error {
	deployed, err := read(deployedPath)
	if err != nil {
		return err
	}
	original, err := read(originalPath)
	if err != nil {
		return err
	}
	original, others := macroevent.WithoutEntry(original)
	if len(others) > 0 {
		return fmt.Errorf("%s: other transforms than %s: %v (qpe disable refuses such a template)", originalPath, macroevent.MacroName, others)
	}
	doc, changes := transform.LeaveOrder(original, deployed)
	for _, c := range changes {
		fmt.Fprintf(os.Stderr, "%s: %s\n", c.Resource, c.Detail)
	}
	out, err := template.EncodeJSON(doc, true)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
