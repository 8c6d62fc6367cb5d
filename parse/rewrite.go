package parse

// This file exports the header rules of the CSV reader, for tools that
// write an input back in its own format, as signinspect redact does
// (OpenText, in open.go, gives them the input's text).

// NormalizeColumnName folds a CSV column name the way the CSV reader
// matches columns: zero-width characters and byte order marks removed,
// spaces trimmed and collapsed, lower case ("Autonomous system  number"
// becomes "autonomous system number").
func NormalizeColumnName(s string) string { return normalizeCSVHeader(s) }

// CSVSepDirective reads the "sep=;" line that Excel writes as the first line
// of a CSV file, and returns the delimiter it names.
func CSVSepDirective(line []byte) (byte, bool) { return sepDirective(line) }

// CSVDelimiter returns the delimiter the CSV reader picks for a header
// line: the most frequent of comma, tab and semicolon outside quotes.
func CSVDelimiter(header []byte) byte { return detectDelimiter(header) }
