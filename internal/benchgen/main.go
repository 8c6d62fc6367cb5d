// Command benchgen writes large, deterministic sign-in log exports for
// benchmarks: the Go port of shared/bench/gen.py (see package synth).
//
// Usage, from the repository root:
//
//	go run ./internal/benchgen -format jsonl -records 1000000 -seed 1 -out bench-data/signins.jsonl
//	go run ./internal/benchgen -format portal-csv -records 1000000 -seed 1 -split 1000 -out bench-data/csv-1000
//	go run ./internal/benchgen -policies 50 -seed 1 -out bench-data/policies.json
//
// Formats: jsonl, portal-json, portal-csv (non-interactive sign-ins only,
// as the portal's non-interactive download) and diagnostic. The same
// -records, -seed, -end and -days give the same bytes, and every format
// holds the same sign-ins. With -split N the stream is cut into N files of
// consecutive sign-ins inside the folder -out, each a complete export of
// its own; portal CSV files are named NonInteractiveSignIns_*.csv, since
// only the file name tells a portal CSV's flow.
//
// Output is written to a temporary name and renamed when complete, so an
// interrupted run never leaves a file that looks finished. A summary line
// goes to standard error. With -policies N it writes the tenant's
// Conditional Access configuration instead: N policies (the tenant's 15 and
// generated ones) and its named locations, for signinspect whatif and
// analyze --policies.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/signinspect/signinspect/internal/atomicfile"
	"github.com/signinspect/signinspect/internal/benchgen/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

// options are the command line's settings.
type options struct {
	format   synth.Format
	cfg      synth.Config
	out      string
	split    int
	policies int
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "output format: jsonl, portal-json, portal-csv or diagnostic")
	fs.IntVar(&o.cfg.Records, "records", 0, "number of sign-ins in the stream (a portal CSV holds only the non-interactive ones, about 90%)")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "seed of the stream")
	fs.StringVar(&o.out, "out", "", "output file, - for standard output, or the folder to create with -split")
	end := fs.String("end", "2025-11-24T00:00:00Z", "exclusive newest bound of the sign-in times, RFC 3339")
	fs.IntVar(&o.cfg.Days, "days", 30, "span of the sign-in times in days, ending at -end")
	fs.IntVar(&o.split, "split", 0, "write the stream as this many files of consecutive sign-ins into the folder -out")
	fs.IntVar(&o.policies, "policies", 0, "write the tenant's Conditional Access configuration instead: this many policies (at least its 15) and its named locations")
	if err := fs.Parse(args); err != nil {
		return o, usageError{err}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if o.policies > 0 {
		if *format != "" || o.split > 0 {
			return o, usageError{errors.New("-policies writes the configuration alone: leave out -format and -split")}
		}
	} else {
		f, err := synth.ParseFormat(*format)
		if err != nil {
			return o, usageError{fmt.Errorf("-format: %w", err)}
		}
		o.format = f
	}
	if o.cfg.Records < 0 {
		return o, usageError{errors.New("-records must be 0 or more")}
	}
	if o.cfg.Days <= 0 {
		return o, usageError{errors.New("-days must be 1 or more")}
	}
	var err error
	if o.cfg.End, err = time.Parse(time.RFC3339, *end); err != nil {
		return o, usageError{fmt.Errorf("-end: %w", err)}
	}
	if o.out == "" {
		return o, usageError{errors.New("-out is required (a file, - for standard output, or a folder with -split)")}
	}
	if o.split < 0 || o.split > 0 && o.out == "-" {
		return o, usageError{errors.New("-split wants a positive count and a folder as -out")}
	}
	if o.split > o.cfg.Records && o.cfg.Records > 0 {
		return o, usageError{fmt.Errorf("-split %d is more files than the %d records", o.split, o.cfg.Records)}
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	if o.policies > 0 {
		data, err := synth.New(o.cfg).TenantExport(o.policies)
		if err != nil {
			return err
		}
		data = append(data, '\n')
		if o.out == "-" {
			_, err = stdout.Write(data)
		} else {
			_, _, err = writeFile(o.out, func(w io.Writer) (int, error) {
				_, err := w.Write(data)
				return o.policies, err
			})
		}
		if err == nil {
			fmt.Fprintf(stderr, "benchgen: %s: %d policies, %d bytes\n", o.out, max(o.policies, 15), len(data))
		}
		return err
	}
	began := time.Now()
	var written int
	var size int64
	switch {
	case o.out == "-":
		cw := &countingWriter{w: stdout}
		written, err = synth.WriteExport(cw, o.format, synth.New(o.cfg), o.cfg.Records)
		size = cw.n
	case o.split > 0:
		written, size, err = writeSplit(o)
	default:
		written, size, err = writeFile(o.out, func(w io.Writer) (int, error) {
			return synth.WriteExport(w, o.format, synth.New(o.cfg), o.cfg.Records)
		})
	}
	if err != nil {
		return err
	}
	secs := time.Since(began).Seconds()
	fmt.Fprintf(stderr, "benchgen: %s: %d of %d sign-ins, %d bytes in %.1fs (%.0f MB/s)\n",
		o.out, written, o.cfg.Records, size, secs, float64(size)/1e6/max(secs, 1e-9))
	return nil
}

// writeFile creates path atomically, in place only when write succeeded.
func writeFile(path string, write func(io.Writer) (int, error)) (int, int64, error) {
	var n int
	var cw *countingWriter
	err := atomicfile.Write(path, 0o666, func(w io.Writer) error {
		cw = &countingWriter{w: w}
		var err error
		n, err = write(cw)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, cw.n, nil
}

// writeSplit writes the stream as o.split files into a new folder o.out,
// built under a temporary name and renamed when complete.
func writeSplit(o options) (int, int64, error) {
	if _, err := os.Stat(o.out); err == nil {
		return 0, 0, fmt.Errorf("%s already exists; remove it first", o.out)
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(o.out), "."+filepath.Base(o.out)+".*.tmp")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(tmpDir)
	if err := os.Chmod(tmpDir, 0o755); err != nil {
		return 0, 0, err
	}
	g := synth.New(o.cfg)
	var written int
	var size int64
	for i := 0; i < o.split; i++ {
		// Files i covers sign-ins [i*R/N, (i+1)*R/N).
		n := (i+1)*o.cfg.Records/o.split - i*o.cfg.Records/o.split
		name := filepath.Join(tmpDir, splitName(o.format, i, o.split))
		w, s, err := writeFile(name, func(w io.Writer) (int, error) { return synth.WriteExport(w, o.format, g, n) })
		if err != nil {
			return 0, 0, err
		}
		written += w
		size += s
	}
	if err := os.Rename(tmpDir, o.out); err != nil {
		return 0, 0, err
	}
	return written, size, nil
}

// splitName names file i of n: numbered from 1, zero-padded so that names
// sort in stream order, and for a portal CSV prefixed as the portal names
// non-interactive downloads.
func splitName(f synth.Format, i, n int) string {
	width := len(fmt.Sprint(n))
	num := fmt.Sprintf("%0*d", width, i+1)
	switch f {
	case synth.FormatPortalCSV:
		return "NonInteractiveSignIns_" + num + ".csv"
	case synth.FormatPortalJSON:
		return "signins_" + num + ".json"
	case synth.FormatDiagnostic:
		return "PT1H_" + num + ".json"
	}
	return "signins_" + num + ".jsonl"
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
