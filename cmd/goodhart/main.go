// Command goodhart checks the commits of a pull request for shortcuts that
// make tests pass without making the code right: deleted or skipped tests,
// weakened assertions and the like, attributed to the commit (and coding
// agent) that introduced them.
//
// Exit codes: 0 when nothing at or above --fail-on was found, 1 when
// something was, 2 for a usage or runtime error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

func main() {
	stop := startProfiles()
	code := run(os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args (program name first) and returns the exit
// code. Every error, urfave's own usage errors included, ends here so that
// the exit codes are exact and each error is one line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	err := newApp(stdout, stderr).Run(args)
	if err == nil {
		return exitOK
	}
	code := exitError
	var coder cli.ExitCoder
	if errors.As(err, &coder) {
		code = coder.ExitCode()
	}
	if msg := strings.TrimSpace(err.Error()); msg != "" {
		fmt.Fprintf(stderr, "goodhart: %s\n", msg)
	}
	return code
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "goodhart",
		Usage:     "find the shortcuts coding agents take to make tests pass",
		Writer:    stdout,
		ErrWriter: stderr,
		// urfave's own version flag would also take -v; --version is ours
		// (noCommand), printing what the version command prints.
		HideVersion: true,
		Flags:       []cli.Flag{&cli.BoolFlag{Name: "version", Usage: "print goodhart's version (as goodhart version does)"}},
		// urfave exits the process itself unless told otherwise; run decides.
		ExitErrHandler: func(*cli.Context, error) {},
		// --format json=a,b.json is one path, not two formats.
		DisableSliceFlagSeparator: true,
		OnUsageError:              usageError,
		Action:                    noCommand,
		Commands: []*cli.Command{
			checkCommand(),
			scanCommand(),
			rulesCommand(),
			demoCommand(),
			hookCommand(),
			versionCommand(),
		},
	}
}

// usageError turns a flag parsing error into exit code 2, pointing at the
// help rather than printing all of it.
func usageError(c *cli.Context, err error, isSubcommand bool) error {
	help := "goodhart help"
	if isSubcommand && c.Command != nil {
		help = "goodhart " + c.Command.Name + " --help"
	}
	return cli.Exit(fmt.Sprintf("%v (see %s)", err, help), exitError)
}

// noCommand runs when no known command was given.
func noCommand(c *cli.Context) error {
	if c.Bool("version") && !c.Args().Present() {
		fmt.Fprintf(c.App.Writer, "goodhart %s\n", currentVersion())
		return nil
	}
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("unknown command %q (see goodhart help)", c.Args().First()), exitError)
	}
	if err := cli.ShowAppHelp(c); err != nil {
		return err
	}
	return cli.Exit("", exitError)
}

// noArgs rejects positional arguments, which no command takes.
func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("unexpected argument %q (see goodhart %s --help)", c.Args().First(), c.Command.Name), exitError)
	}
	return nil
}
