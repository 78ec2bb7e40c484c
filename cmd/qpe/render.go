package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newRenderCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "render",
		Short: "(coming)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 2, err: errors.New("render: not implemented yet")}
		},
	}
}
