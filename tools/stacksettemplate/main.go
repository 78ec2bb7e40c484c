// Command stacksettemplate writes the plain-CloudFormation form of the SAM
// deployment template, for service-managed StackSets:
// stacksettemplate templates/template.yaml > backend-stackset.yaml.
package main

import (
	"fmt"
	"os"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackset"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: stacksettemplate SAM_TEMPLATE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sam, err := template.DecodeYAML(b)
	if err != nil {
		return err
	}
	plain, err := stackset.FromSAM(sam)
	if err != nil {
		return err
	}
	out, err := template.EncodeYAML(plain)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
