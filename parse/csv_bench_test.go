package parse

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gocarina/gocsv"
)

// portalHeader57 is the 57-column portal header, as the portal writes it:
// every name quoted, the trailing spaces, the double space and the repeated
// "Incoming token type" included.
const portalHeader57 = `"Date (UTC)","Request ID","User agent","Correlation ID","User ID","User","Username","User type","Cross tenant access type","Incoming token type","Authentication Protocol","Unique token identifier","Original transfer method","Client credential type","Token Protection - Sign In Session","Token Protection - Sign In Session StatusCode","Application","Application ID ","App owner tenant ID","Resource","Resource ID ","Resource tenant ID","Resource owner tenant ID","Home tenant ID","Home tenant name","IP address","Location","Status","Sign-in error code","Failure reason","Client app","Device ID","Browser","Operating System","Compliant","Managed","Join Type","Multifactor authentication result","Multifactor authentication auth method","Multifactor authentication auth detail","Authentication requirement","Sign-in identifier","Session ID","IP address (seen by resource)","Through Global Secure Access","Global Secure Access IP address","Autonomous system  number","Flagged for review","Token issuer type","Incoming token type","Token issuer name","Latency","Conditional Access","Managed Identity type","Associated Resource Id","Federated Token Id","Federated Token Issuer"`

// benchPortalCSV builds a portal CSV of n realistic rows (about 800 bytes
// each, every cell quoted as the portal does).
func benchPortalCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString(portalHeader57 + "\r\n")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	apps := [][2]string{{"Azure DevOps", AzureDevOpsAppID}, {"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264"}, {"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"}}
	for i := 0; i < n; i++ {
		app := apps[i%len(apps)]
		code, status, reason, ca := "0", "Success", "", "Success"
		if i%7 == 0 {
			code, status, reason, ca = "53003", "Failure", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", "Failure"
		}
		row := []string{
			fmt.Sprintf("2025-11-%02dT%02d:%02d:%02dZ", 1+i%28, i%24, i%60, (i*7)%60),
			fmt.Sprintf("%08x-1111-2222-3333-%012x", i, i*31),
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
			fmt.Sprintf("%08x-aaaa-bbbb-cccc-%012x", i, i*17),
			fmt.Sprintf("%08x-dddd-eeee-ffff-%012x", i%500, i%500),
			fmt.Sprintf("User %d", i%500), fmt.Sprintf("user%d@contoso.com", i%500), "Member", "None", "None", "None",
			"dGhpcyBpcyBhIHRva2Vu", "None", "None", "None", "", app[0], app[1], "", app[0], app[1],
			"8b3c5f2e-4a1d-4c6b-9f0e-2d7a1c9e5b40", "", "8b3c5f2e-4a1d-4c6b-9f0e-2d7a1c9e5b40", "Contoso",
			fmt.Sprintf("203.0.%d.%d", i%256, (i*3)%256), "Melbourne, Victoria, AU", status, code, reason,
			"Mobile Apps and Desktop clients", "ef5d1a2b-0000-4c6b-9f0e-2d7a1c9e5b40", "Edge 120.0.0", "Windows10",
			"True", "True", "Microsoft Entra joined", "", "", "", "Single-factor authentication",
			fmt.Sprintf("user%d@contoso.com", i%500), "a1b2c3d4-0000-1111-2222-333344445555", "", "No", "", "8075", "No",
			"AzureAD", "None", "", "64ms", ca, "", "", "", "",
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// quoteAll rewrites a CSV with every cell quoted, as the portal writes it.
func quoteAll(data []byte) []byte {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var b bytes.Buffer
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		for i, f := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func benchInput(b *testing.B) []byte {
	if p := os.Getenv("SIGNINSPECT_BENCH_CSV"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return bytes.TrimPrefix(data, []byte("\ufeff"))
	}
	return quoteAll(benchPortalCSV(5000))
}

// BenchmarkCSVSplitter measures framing alone. SIGNINSPECT_BENCH_CSV names
// a file to frame instead of the built-in rows (gen.py --format portal-csv).
func BenchmarkCSVSplitter(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := newCSVSplitter(bytes.NewReader(data), SourceInfo{Name: "bench.csv"})
		if _, _, err := s.readHeader(); err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCSVDecode measures decoding alone, over chunks framed
// beforehand.
func BenchmarkCSVDecode(b *testing.B) {
	data := benchInput(b)
	chunks, d := benchChunks(b, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range chunks {
			if _, err := d.Decode(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCSVDecodeParallel decodes the chunks on every core, as the
// parallel reader will.
func BenchmarkCSVDecodeParallel(b *testing.B) {
	data := benchInput(b)
	chunks, d := benchChunks(b, data)
	b.SetBytes(int64(len(data)) / int64(len(chunks)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := d.Decode(chunks[i%len(chunks)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkCSVDecodeGocsvPerCall is the alternative csvDecoder rejects:
// gocsv.UnmarshalDecoder per record, which maps the header to the struct on
// every call.
func BenchmarkCSVDecodeGocsvPerCall(b *testing.B) {
	data := benchInput(b)
	chunks, d := benchChunks(b, data)
	dd := d.(*csvDecoder)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range chunks {
			r := csv.NewReader(io.MultiReader(bytes.NewReader(dd.header), bytes.NewReader(c.Data)))
			r.LazyQuotes = true
			var rows []portalRow
			if err := gocsv.UnmarshalCSV(r, &rows); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchChunks(b *testing.B, data []byte) ([]Chunk, Decoder) {
	s, d, err := newCSVCodec(bufio.NewReader(bytes.NewReader(data)), SourceInfo{Name: "bench.csv", Format: FormatPortalCSV})
	if err != nil {
		b.Fatal(err)
	}
	var chunks []Chunk
	for {
		c, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		c.Data = bytes.Clone(c.Data)
		chunks = append(chunks, c)
	}
	return chunks, d
}
