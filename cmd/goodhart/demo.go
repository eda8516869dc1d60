package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/goodhart-dev/goodhart/fixtures"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "build a small repository where an agent games its tests, and check it",
		Description: "Writes the demo repository to a temporary folder, says what it is, and runs\n" +
			"the same check as `goodhart check` on it. Exits 0 whatever it finds.",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			formatFlag,
			&cli.BoolFlag{Name: "keep", Usage: "keep the demo repository and print where it is"},
		},
		Action: demo,
	}
}

func demo(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	w := c.App.Writer
	cfg := checkConfig{
		Base:    fixtures.BaseBranch,
		Head:    "HEAD",
		Formats: c.StringSlice("format"),
		Color:   colorFor(w),
	}
	if _, err := parseOutputs(cfg.Formats); err != nil {
		return err // before leaving a folder behind
	}
	s, err := fixtures.Demo()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "goodhart-demo-")
	if err != nil {
		return err
	}
	if !c.Bool("keep") {
		defer os.RemoveAll(dir)
	}
	if _, err := s.Build(dir); err != nil {
		return err
	}
	cfg.Repo = dir
	// Other formats stay pure: the story is for people.
	if stdoutFormat(cfg.Formats) == "text" {
		fmt.Fprintf(w, "%s\n\n", s.Comment)
	}
	if _, err := runCheck(w, cfg); err != nil {
		return err
	}
	if c.Bool("keep") {
		fmt.Fprintf(c.App.ErrWriter, "demo repository kept in %s (try: goodhart check --repo %s --base %s)\n", dir, dir, fixtures.BaseBranch)
	}
	return nil
}
