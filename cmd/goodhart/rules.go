package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/detect"
)

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:         "rules",
		Usage:        "describe the shortcuts goodhart looks for",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			for i, r := range detect.Rules() {
				if i > 0 {
					fmt.Fprintln(c.App.Writer)
				}
				fmt.Fprintf(c.App.Writer, "%s (%s)\n", r.ID, r.Severity)
				fmt.Fprintln(c.App.Writer, indent(r.Doc, "    "))
			}
			return nil
		},
	}
}

// indent prefixes every non-empty line of text.
func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}
