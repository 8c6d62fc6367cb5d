package parse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// newJSONCodec returns the Splitter and Decoder of the JSON formats
// (FormatGraphJSON, FormatLogAnalyticsJSON, FormatDiagnosticJSON). One
// splitter frames every JSON shape and one decoder reads every kind of
// sign-in object, so a forced format only sets Source.Format.
//
// It looks at the start of br without consuming it and returns an error
// wrapping ErrUnknownFormat when the input is not JSON, or when its first
// object is complete and has none of the sign-in keys (a named locations
// export, say). An empty input is accepted: it holds no records.
func newJSONCodec(br *bufio.Reader, info SourceInfo) (Splitter, Decoder, error) {
	switch info.Format {
	case FormatGraphJSON, FormatLogAnalyticsJSON, FormatDiagnosticJSON:
	default:
		return nil, nil, fmt.Errorf("%w: %q is not a JSON format", ErrUnknownFormat, info.Format)
	}
	peek, err := br.Peek(min(br.Size(), jsonPeekSize))
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, nil, fmt.Errorf("reading: %w", err)
	}
	if err := checkJSONStart(peek); err != nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrUnknownFormat, err)
	}
	return newJSONSplitter(br, info), newJSONDecoder(info), nil
}

// jsonPeekSize is how much of an input newJSONCodec looks at.
const jsonPeekSize = 256 << 10

// checkJSONStart says why the start of an input is not a JSON sign-in
// export, or returns nil.
func checkJSONStart(peek []byte) error {
	trimmed := bytes.TrimLeft(peek, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	first := firstJSONObject(peek)
	if !first.json {
		return fmt.Errorf("the input is not JSON: it begins with %s, where '[' or '{' belongs", describeByte(trimmed[0]))
	}
	if first.object && first.envelope == "" && first.keys.has("tables") && !first.keys.anySignInKey() {
		return fmt.Errorf("the input is a Log Analytics API response (tables of columns and rows), which is not read: " +
			"export the query results to CSV, or as one JSON object per row (az monitor log-analytics query)")
	}
	if first.complete && first.object && !first.keys.anySignInKey() {
		return fmt.Errorf("the first JSON object has none of the sign-in keys (createdDateTime, userPrincipalName, appId, status, properties, TimeGenerated, ...)")
	}
	return nil
}

// DecodeJSONRecord decodes one JSON sign-in object of any shape the JSON
// readers accept (Graph camelCase or PascalCase, a Log Analytics row, a
// diagnostic record) into a Record. Source.Format is FormatGraphJSON unless
// the content says otherwise (a properties member: FormatDiagnosticJSON;
// TimeGenerated: FormatLogAnalyticsJSON). Rule self-tests write their
// records in Graph JSON shape and decode them with it.
//
// The error of a malformed object is a *RecordError naming the member.
func DecodeJSONRecord(data []byte) (*Record, error) {
	d := &jsonDecoder{}
	return d.decode(Chunk{Data: data}, new(decodeBuffers))
}
