package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newPerimeterCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "perimeter",
		Short: "(coming)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 2, err: errors.New("perimeter: not implemented yet")}
		},
	}
}
