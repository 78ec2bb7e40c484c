package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// maxInputBytes caps every file or standard input the CLI reads (templates,
// policies, change sets). CloudFormation's own limits are far below it: a
// template body is at most 51,200 bytes inline and 1 MB from S3, a change
// set description is smaller still, a bucket policy 20 KB and an SCP 5,120
// characters. 16 MB leaves room for any template CloudFormation could
// accept, pretty-printed or with long comments, and stops a read of a
// device or a runaway pipe long before memory does.
const maxInputBytes = 16 << 20

// readInput reads a regular file, or standard input for "-", up to
// maxInputBytes. what names the input in errors ("the template",
// "--changeset"). A device, a directory or a named pipe is refused before
// any read: `qpe render /dev/zero` would never end.
func readInput(cmd *cobra.Command, what, path string) ([]byte, error) {
	var r io.Reader
	src := path
	if path == "-" {
		r, src = cmd.InOrStdin(), "standard input"
	} else {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s %s is not a regular file (%s): give a file, or - for standard input", what, path, kind(fi.Mode()))
		}
		if fi.Size() > maxInputBytes {
			return nil, tooLarge(what, src)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, err)
	}
	if len(b) > maxInputBytes {
		return nil, tooLarge(what, src)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if path == "-" {
			return nil, errors.New("standard input is empty: pipe " + what + " in, or give its file name")
		}
		return nil, fmt.Errorf("%s %s is empty", what, path)
	}
	return b, nil
}

func tooLarge(what, src string) error {
	return fmt.Errorf("%s (%s) is too large: more than %d MB, far beyond what CloudFormation accepts (a template body is at most 1 MB through S3)", what, src, maxInputBytes>>20)
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
