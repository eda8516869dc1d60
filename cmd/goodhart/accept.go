package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
)

// Accepting reviewed findings from the command line: --accept FILE adds
// accept entries (the person or the workflow running the check supplies
// them, so the checked change cannot), and --strict honours no inline
// waiver. The base revision's .goodhart.yml is read by detect.

var (
	acceptFlag = &cli.StringFlag{Name: "accept", Usage: "accept the findings listed in `FILE` (the accept list of a .goodhart.yml: fingerprint, reason, optional expires)"}
	strictFlag = &cli.BoolFlag{Name: "strict", Usage: "honour no inline //goodhart:allow waiver, whoever wrote it"}
)

// loadAccept reads an --accept file; "" is none.
func loadAccept(path string) ([]detect.AcceptEntry, error) {
	if path == "" {
		return nil, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("--accept: %v", err), exitError)
	}
	entries, err := detect.ParseAcceptFile(path, src)
	if err != nil {
		return nil, cli.Exit(fmt.Sprintf("--accept: %v", err), exitError)
	}
	return entries, nil
}
