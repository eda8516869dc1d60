package main

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version may be set at link time: -ldflags "-X main.version=v1.2.3".
var version string

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:         "version",
		Usage:        "print goodhart's version",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "goodhart %s\n", currentVersion())
			return nil
		},
	}
}

// currentVersion is the link-time version, else the module version the
// binary was built from (set by go install module@version), else "(devel)".
func currentVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
