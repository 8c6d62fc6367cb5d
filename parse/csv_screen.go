package parse

import "bytes"

// The portal CSV Screener vouches for a row after splitting it into cells
// without encoding/csv or gocsv: the row must have exactly the header's
// number of cells, quoted cells must be plain RFC 4180 ones (a quote opens
// a cell and closes it before a delimiter), and carriage returns may only
// end the row. It then works out the row's flow from the few cells that
// tell it, with the decoder's own functions (portalFlow, incomingTokenType),
// which count the row in the decoder's notes exactly as decoding would.
// Portal CSVs carry no policy list, so the policy conditions hold. Log
// Analytics CSVs, whose cells hold JSON, are not screened.

// screenColumns are the fields of a portal row the screener reads.
var screenColumns = []string{"ManagedIdentityType", "ServicePrincipalID", "ServicePrincipalName", "UserID", "UPN",
	"IncomingTokenType", "IncomingTokenTypeRepeat"}

// csvScreen is the column plan of a decoder's screener.
type csvScreen struct {
	slotOf []int // Per column, its index in screenColumns or -1.
	last   int   // The last column read.
}

func newCSVScreen(l *csvLayout) *csvScreen {
	sc := &csvScreen{slotOf: make([]int, len(l.names)), last: -1}
	for i := range sc.slotOf {
		sc.slotOf[i] = -1
	}
	for slot, field := range screenColumns {
		if col, _, ok := l.column(field); ok {
			sc.slotOf[col] = slot
			sc.last = max(sc.last, col)
		}
	}
	return sc
}

// Screen implements Screener.
func (d *csvDecoder) Screen(c Chunk) (Screening, bool) {
	if d.screen == nil {
		return Screening{}, false
	}
	var cells [7][]byte
	if !d.screen.split(c.Data, byte(d.comma), d.width, &cells) {
		return Screening{}, false
	}
	r := portalRow{
		ManagedIdentityType:  string(cells[0]),
		ServicePrincipalID:   string(cells[1]),
		ServicePrincipalName: string(cells[2]),
		UserID:               string(cells[3]),
		UPN:                  string(cells[4]),
	}
	d.incomingTokenType(string(cells[5]), string(cells[6]))
	flow := d.portalFlow(&r)
	return Screening{NoFlow: flow == ""}, true
}

// split splits a row into cells, keeping those the screener reads, and
// reports whether the row is plain and has exactly width cells.
func (sc *csvScreen) split(data []byte, comma byte, width int, cells *[7][]byte) bool {
	if n := len(data); n > 0 && data[n-1] == '\r' {
		data = data[:n-1]
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		return false
	}
	col := 0
	i := 0
	for {
		if col > sc.last && bytes.IndexByte(data[i:], '"') < 0 {
			// No quote is left: the rest is cells between delimiters.
			return col+bytes.Count(data[i:], []byte{comma})+1 == width
		}
		var cell []byte
		if i < len(data) && data[i] == '"' {
			end, ok := quotedCellEnd(data, i+1, comma)
			if !ok {
				return false
			}
			cell = data[i+1 : end]
			if bytes.Contains(cell, []byte(`""`)) {
				cell = bytes.ReplaceAll(cell, []byte(`""`), []byte(`"`))
			}
			i = end + 1 // At the delimiter or the end.
		} else {
			k := bytes.IndexByte(data[i:], comma)
			if k < 0 {
				k = len(data) - i
			}
			cell = data[i : i+k]
			if bytes.IndexByte(cell, '"') >= 0 {
				return false
			}
			i += k
		}
		if col < len(sc.slotOf) {
			if slot := sc.slotOf[col]; slot >= 0 {
				cells[slot] = cell
			}
		}
		col++
		if i >= len(data) {
			return col == width
		}
		i++ // The delimiter.
	}
}

// quotedCellEnd returns the offset of the quote that closes the quoted cell
// whose contents start at i: a quote followed by the delimiter or the end
// of the row. A quote followed by anything else but a second quote makes
// the row one to decode.
func quotedCellEnd(data []byte, i int, comma byte) (int, bool) {
	for {
		k := bytes.IndexByte(data[i:], '"')
		if k < 0 {
			return 0, false
		}
		q := i + k
		switch {
		case q+1 == len(data) || data[q+1] == comma:
			return q, true
		case data[q+1] == '"':
			i = q + 2
		default:
			return 0, false
		}
	}
}
