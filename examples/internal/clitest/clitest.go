// Package clitest holds the test helpers of the example programs: it runs
// a program's run function with captured output and checks the parts of
// their behaviour that package cli gives them all.
package clitest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/which50-go/which50/examples/internal/apienv"
	"github.com/which50-go/which50/examples/internal/cli"
)

// Env returns a getenv that reads vars; a nil map holds no variable.
func Env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// Run calls run with buffers for its standard output and error, and
// returns what they hold and run's error.
func Run(run func(stdout, stderr io.Writer) error) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(&out, &errOut)
	return out.String(), errOut.String(), err
}

// Runner returns the runMain of a program's tests: it runs the program
// with args and the variables vars, and returns what it printed and its
// error.
func Runner(run cli.Program) func(t *testing.T, args []string, vars map[string]string) (stdout, stderr string, err error) {
	return func(t *testing.T, args []string, vars map[string]string) (stdout, stderr string, err error) {
		t.Helper()
		return Run(func(stdout, stderr io.Writer) error {
			return run(context.Background(), args, Env(vars), stdout, stderr)
		})
	}
}

// WantUsageError checks what the program name printed and returned when
// run with args should have failed as bad usage with text: a UsageError
// holding text (exit status 2), text printed once on stderr, with the
// usage, nothing on stdout, and no demo server started.
func WantUsageError(t *testing.T, name string, args []string, stdout, stderr string, err error, text string) {
	t.Helper()
	if !errors.As(err, new(cli.UsageError)) || !strings.Contains(err.Error(), text) || cli.ExitCode(err) != cli.ExitUsage {
		t.Errorf("run %q: err = %v (exit %d), want a usage error with %q, exit 2", args, err, cli.ExitCode(err), text)
		return
	}
	// Printed once, by run, with the usage; main prints nothing more.
	if n := strings.Count(stderr, text); n != 1 || strings.Count(stderr, "usage: "+name) != 1 {
		t.Errorf("run %q: stderr holds %q %d times, want once with the usage:\n%s", args, text, n, stderr)
	}
	if stdout != "" || strings.Contains(stderr, "demo:") {
		t.Errorf("run %q: stdout %q; started the demo?\n%s", args, stdout, stderr)
	}
}

// WantHelp checks what the program name printed and returned for -h:
// flag.ErrHelp (exit status 0), and help that names the program and
// mentions each of flags and every variable of the environment.
func WantHelp(t *testing.T, name, stderr string, err error, flags ...string) {
	t.Helper()
	if !errors.Is(err, flag.ErrHelp) || cli.ExitCode(err) != cli.ExitOK {
		t.Errorf("-h: err = %v, want flag.ErrHelp (exit 0)", err)
	}
	want := append([]string{"usage: " + name}, flags...)
	want = append(want, apienv.BaseURL, apienv.Token, apienv.APIKey, apienv.APIKeyHeader)
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("-h does not mention %s:\n%s", w, stderr)
		}
	}
}
