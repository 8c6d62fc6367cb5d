package parse

import "time"

// SourceInfo is what a format's codec knows about the input it reads. Open
// fills it from the input name, detection and Options.
//
// Each format family provides one codec constructor with the signature
//
//	func(br *bufio.Reader, info SourceInfo) (Splitter, Decoder, error)
//
// (newCSVCodec in csv.go, newJSONCodec in json.go). br yields UTF-8 text with
// any byte order mark removed and UTF-16 transcoded; the codec reads from it
// only through its Splitter. The constructor returns an error wrapping
// ErrUnknownFormat when the content is not the format info names.
type SourceInfo struct {
	// Name is the input name for Source.File and errors.
	Name string
	// Format is the detected or forced format.
	Format Format
	// FlowHint is the flow the file name tells (FlowFromFileName), or "".
	FlowHint string
	// Location is the zone of times that carry none; nil means UTC, which
	// is what Entra downloads use.
	Location *time.Location
	// DateOrder says how to read slash dates that read both ways.
	DateOrder DateOrder
	// MaxRecordBytes bounds one raw record; a larger one is an ErrTooLarge
	// error that ends the input. 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
}

// DefaultMaxRecordBytes is the default bound on one raw record. Real
// sign-in records are a few kilobytes; the bound only stops a runaway line
// in a file that is not what it claims to be.
const DefaultMaxRecordBytes = 16 << 20

// maxRecordBytes returns the effective record bound.
func (s SourceInfo) maxRecordBytes() int {
	if s.MaxRecordBytes > 0 {
		return s.MaxRecordBytes
	}
	return DefaultMaxRecordBytes
}
