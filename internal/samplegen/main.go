// Command samplegen writes signinspect's samples/: small exports of one
// scenario in every supported format.
//
// Usage, from the repository root:
//
//	go run ./internal/samplegen -out samples
//
// The scenario and the writers live in package scenario; this command only
// puts their files on disk. Its output is the same on every run, and
// `go test ./internal/samplegen` checks that samples/ matches it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/signinspect/signinspect/internal/samplegen/scenario"
)

func main() {
	out := flag.String("out", "samples", "directory to write the sample files into")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "samplegen: unexpected argument %q\nusage: samplegen [-out DIR]\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "samplegen:", err)
		os.Exit(1)
	}
}

// write writes every sample file under dir, creating folders as needed and
// replacing files of the same name.
func write(dir string) error {
	files, err := scenario.New().Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
