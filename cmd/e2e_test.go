package cmd

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README is a contract: its examples run against the shipped samples
// and show what the program prints. TestREADME builds the binary once and
// runs every command of the README's code blocks:
//
//   - in a ```sh block, each line that starts with "signinspect " or
//     "go run ./cmd/signinspect " is a command; only its exit code is
//     checked;
//   - in a ```console block, each line that starts with "$ " is a command,
//     and the lines up to the next "$ " are what it must print on standard
//     output. A line "..." stands for any number of lines, so that long
//     reports can be shown in part.
//
// An HTML comment on the line before a block changes what is expected of
// all its commands: <!-- e2e: exit 3 --> for another exit code,
// <!-- e2e: skip (why) --> to skip the block. Commands run through sh, in a
// folder holding a copy of samples/, with the built binary first on PATH.

// readmeCommand is one command of the README with what it must do.
type readmeCommand struct {
	line   int    // Line of README.md the command is on.
	cmd    string // As sh runs it.
	exit   int
	output []string // Expected standard output lines; nil: not checked.
	skip   string   // Why it is skipped, or "".
}

// readmeCommands parses README.md's code blocks.
func readmeCommands(path string) ([]readmeCommand, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out                 []readmeCommand
		lang, prev          string
		inBlock             bool
		blockExit           int
		blockSkip           string
		current             *readmeCommand
		lineNo, blockOpened int
	)
	flush := func() {
		if current != nil {
			out = append(out, *current)
			current = nil
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if !inBlock {
			if strings.HasPrefix(line, "```") {
				inBlock, lang, blockOpened = true, strings.TrimSpace(strings.TrimPrefix(line, "```")), lineNo
				blockExit, blockSkip = 0, ""
				if d, ok := strings.CutPrefix(strings.TrimSpace(prev), "<!-- e2e:"); ok {
					d = strings.TrimSpace(strings.TrimSuffix(d, "-->"))
					switch {
					case strings.HasPrefix(d, "skip"):
						blockSkip = strings.TrimSpace(strings.TrimPrefix(d, "skip"))
						if blockSkip == "" {
							blockSkip = "marked skip"
						}
					case strings.HasPrefix(d, "exit "):
						if blockExit, err = strconv.Atoi(strings.TrimPrefix(d, "exit ")); err != nil {
							return nil, fmt.Errorf("README.md:%d: bad e2e directive %q", lineNo-1, d)
						}
					default:
						return nil, fmt.Errorf("README.md:%d: unknown e2e directive %q", lineNo-1, d)
					}
				}
			}
			prev = line
			continue
		}
		if strings.HasPrefix(line, "```") {
			flush()
			inBlock, prev = false, ""
			continue
		}
		switch lang {
		case "console":
			if cmd, ok := strings.CutPrefix(line, "$ "); ok {
				flush()
				current = &readmeCommand{line: lineNo, cmd: programCommand(cmd), exit: blockExit, skip: blockSkip, output: []string{}}
				if current.cmd == "" {
					return nil, fmt.Errorf("README.md:%d: a console command that is not signinspect's: %s", lineNo, cmd)
				}
			} else if current != nil {
				current.output = append(current.output, line)
			} else {
				return nil, fmt.Errorf("README.md:%d: output before any command in the console block of line %d", lineNo, blockOpened)
			}
		case "sh", "shell", "bash":
			if cmd := programCommand(strings.TrimSpace(line)); cmd != "" {
				out = append(out, readmeCommand{line: lineNo, cmd: cmd, exit: blockExit, skip: blockSkip})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if inBlock {
		return nil, fmt.Errorf("README.md:%d: code block not closed", blockOpened)
	}
	return out, nil
}

// programCommand returns a README line as the command to run, or "" when
// the line does not run signinspect. "go run ./cmd/signinspect" runs the
// built binary instead.
func programCommand(line string) string {
	if rest, ok := strings.CutPrefix(line, "go run ./cmd/signinspect "); ok {
		return "signinspect " + rest
	}
	if strings.HasPrefix(line, "signinspect ") {
		return line
	}
	return ""
}

// matchLines reports whether got matches want, where a want line "..."
// matches any number of lines. Trailing spaces do not count.
func matchLines(got, want []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(got[i:], want[1:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && strings.TrimRight(got[0], " ") == strings.TrimRight(want[0], " ") && matchLines(got[1:], want[1:])
}

// trimBlank drops the blank lines at the end.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestREADME(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the README's commands with")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	commands, err := readmeCommands(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(commands) < 10 {
		t.Fatalf("found only %d commands in README.md", len(commands))
	}

	bin := filepath.Dir(buildBinary(t))
	work := t.TempDir()
	copyTree(t, filepath.Join(root, "samples"), filepath.Join(work, "samples"))

	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + work, "LC_ALL=C.UTF-8"}
	for _, c := range commands {
		t.Run(fmt.Sprintf("line_%d", c.line), func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "sh", "-c", c.cmd)
			cmd.Dir, cmd.Env = work, env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("README.md:%d: %v", c.line, err)
			}
			if code != c.exit {
				t.Errorf("README.md:%d: %s\nexit %d, want %d\nstderr: %s", c.line, c.cmd, code, c.exit, stderr.String())
			}
			if c.output == nil {
				return
			}
			got := trimBlank(strings.Split(stdout.String(), "\n"))
			if !matchLines(got, trimBlank(c.output)) {
				t.Errorf("README.md:%d: %s\nprints what the README does not show; it printed:\n%s", c.line, c.cmd, stdout.String())
			}
		})
	}
}

func TestMatchLines(t *testing.T) {
	got := []string{"a", "b", "c", "d"}
	for _, c := range []struct {
		want []string
		ok   bool
	}{
		{[]string{"a", "b", "c", "d"}, true},
		{[]string{"a", "...", "d"}, true},
		{[]string{"...", "c", "..."}, true},
		{[]string{"..."}, true},
		{[]string{"a", "...", "c"}, false},
		{[]string{"a", "c", "..."}, false},
		{[]string{"a", "b"}, false},
	} {
		if matchLines(got, c.want) != c.ok {
			t.Errorf("matchLines(%q, %q) = %v", got, c.want, !c.ok)
		}
	}
}

func TestReadmeCommands(t *testing.T) {
	dir := t.TempDir()
	readme := filepath.Join(dir, "README.md")
	text := "```sh\ngo run ./cmd/signinspect analyze x   # comment\ngo test ./...\n# a comment\n```\n" +
		"<!-- e2e: exit 3 -->\n```console\n$ signinspect a\nout 1\n...\n$ signinspect b\n```\n" +
		"<!-- e2e: skip (needs a download) -->\n```sh\nsigninspect c\n```\n"
	if err := os.WriteFile(readme, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readmeCommands(readme)
	if err != nil {
		t.Fatal(err)
	}
	want := []readmeCommand{
		{line: 2, cmd: "signinspect analyze x   # comment"},
		{line: 8, cmd: "signinspect a", exit: 3, output: []string{"out 1", "..."}},
		{line: 11, cmd: "signinspect b", exit: 3, output: []string{}},
		{line: 15, cmd: "signinspect c", skip: "(needs a download)"},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("readmeCommands =\n%+v\nwant\n%+v", got, want)
	}
}
