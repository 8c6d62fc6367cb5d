package render

import (
	"encoding/csv"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
	"github.com/signinspect/signinspect/internal/safetext"
)

// CSV writes the report as one table for spreadsheets: one row per report
// item (an input, a finding, a piece of evidence, a policy, an address, a
// time bucket ...), always the same columns (the fields of csvRow), with a
// section column to filter and pivot on. REPORT.md lists which columns each
// section fills. The header is written even when the report is empty.
//
// A cell that a spreadsheet would run as a formula (one starting with =, +,
// -, @, a tab or a carriage return) gets a leading apostrophe.
type CSV struct{}

var _ Renderer = CSV{}

// csvRow is one row of the CSV report. Its fields are the columns, in
// order, named by their csv tags; they never depend on the data, and
// adding one is a schema change that REPORT.md records.
type csvRow struct {
	Section       string `csv:"section"`
	Key           string `csv:"key"`
	Name          string `csv:"name"`
	Severity      string `csv:"severity"`
	Rule          string `csv:"rule"`
	Count         string `csv:"count"`
	Failures      string `csv:"failures"`
	Successes     string `csv:"successes"`
	First         string `csv:"first"`
	Last          string `csv:"last"`
	User          string `csv:"user"`
	App           string `csv:"app"`
	IP            string `csv:"ip"`
	Location      string `csv:"location"`
	ASN           string `csv:"asn"`
	Trusted       string `csv:"trusted"`
	Code          string `csv:"code"`
	Policy        string `csv:"policy"`
	RequestID     string `csv:"request_id"`
	CorrelationID string `csv:"correlation_id"`
	Source        string `csv:"source"`
	Detail        string `csv:"detail"`
}

// csvHeader returns the CSV report's column names.
func csvHeader() []string { return structHeader[csvRow]() }

// structHeader returns the column names of a CSV row type: the csv tags of
// its fields, in order.
func structHeader[T any]() []string {
	t := reflect.TypeFor[T]()
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = t.Field(i).Tag.Get("csv")
	}
	return out
}

// record returns the row's cells, in column order, made safe to open in a
// spreadsheet.
func (r *csvRow) record() []string { return structRecord(r) }

// structRecord returns the string fields of the struct row points to, in
// order, made safe to open in a spreadsheet: invisible characters shown (a
// bidirectional override would reorder the cell as the spreadsheet shows
// it) and formulas neutralised.
func structRecord(row any) []string {
	v := reflect.ValueOf(row).Elem()
	out := make([]string, v.NumField())
	for i := range out {
		out[i] = csvSafe(safetext.Visible(v.Field(i).String()))
	}
	return out
}

// writeCSV writes the header of a row type and rows.
func writeCSV[T any](w io.Writer, rows []T) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(structHeader[T]()); err != nil {
		return err
	}
	for i := range rows {
		if err := cw.Write(structRecord(&rows[i])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Render implements Renderer.
func (CSV) Render(w io.Writer, r *analyze.Report) error {
	return writeCSV(w, csvRows(r))
}

// csvRows lays the report out as CSV rows, section by section in the
// order of the other formats.
func csvRows(r *analyze.Report) []csvRow {
	var rows []csvRow
	add := func(row csvRow) { rows = append(rows, row) }
	omitted := func(section, rule string, n int) {
		if n > 0 {
			add(csvRow{Section: "omitted", Key: section, Rule: rule, Count: num(n), Detail: "rows left out; use --top 0 to list all"})
		}
	}

	verdict := csvRow{Section: "verdict", Key: "answer", Detail: r.Verdict.Answer}
	if len(r.Verdict.Causes) > 0 && r.Verdict.Causes[0].Explains {
		c := r.Verdict.Causes[0]
		verdict.Rule, verdict.Severity, verdict.Count, verdict.Failures = c.Rule, c.Severity.String(), num(c.SignIns), num(c.Failures)
	}
	add(verdict)
	for _, c := range r.Verdict.Causes {
		kind := "cause"
		if !c.Explains {
			kind = "note"
		}
		add(csvRow{Section: "cause", Key: strconv.Itoa(c.Finding), Name: kind, Severity: c.Severity.String(), Rule: c.Rule,
			Count: num(c.SignIns), Failures: num(c.Failures), Detail: c.Text})
	}
	omitted("causes", "", r.Verdict.CausesOmitted)

	for _, in := range r.Inputs {
		add(csvRow{Section: "input", Key: in.Path, Name: in.Format, Count: num(in.Records),
			Failures: num(in.Failures), Successes: num(in.Matched - in.Failures), Detail: analyze.WithoutInputName(in.Error, in.Path)})
		for _, s := range in.SkipReasons {
			add(csvRow{Section: "skipped", Key: in.Path, Name: s.Reason, Count: num(s.Count), Detail: analyze.WithoutInputName(s.First, in.Path)})
		}
		if in.Error == "" {
			for _, w := range in.Warnings {
				add(csvRow{Section: "warning", Key: in.Path, Detail: analyze.WithoutInputName(w, in.Path)})
			}
		}
	}

	s := r.Summary
	add(csvRow{Section: "scope", Key: "scope", Name: r.Filter.Description, Count: num(s.Read),
		Failures: num(s.Failures), Successes: num(s.Successes), First: timePtrText(s.First), Last: timePtrText(s.Last), Detail: s.NoMatch})

	for _, g := range []struct {
		section string
		stats   []analyze.GroupStat
		omitted int
	}{{"user", r.Users, r.UsersOmitted}, {"app", r.Apps, r.AppsOmitted}} {
		for _, st := range g.stats {
			row := csvRow{Section: g.section, Key: st.Name, Name: st.ID, Rule: st.TopFinding, Count: num(st.Matched),
				Failures: num(st.Failures), Successes: num(st.Matched - st.Failures),
				First: timeText(st.First), Last: timeText(st.Last), Code: codeText(st.TopError)}
			if g.section == "user" {
				row.User = st.Name
			} else {
				row.App = st.Name
			}
			add(row)
		}
		omitted(g.section+"s", "", g.omitted)
	}

	for _, f := range r.Findings {
		add(csvRow{Section: "finding", Key: f.Rule, Name: f.Title, Severity: f.Severity.String(), Rule: f.Rule, Count: num(f.Count),
			Failures: num(f.Failures), Detail: f.Fix})
		for _, fx := range f.Fixes {
			add(csvRow{Section: "fix", Key: f.Rule, Name: strings.Join(fx.Labels, "; "), Severity: f.Severity.String(), Rule: f.Rule,
				Count: num(fx.Count), Detail: fx.Fix})
			for _, v := range fx.Values {
				add(fixValueRow(f, fx.Labels, v))
			}
			omitted("fix-values", f.Rule, fx.ValuesOmitted)
		}
		omitted("fixes", f.Rule, f.FixesOmitted)
		for _, e := range f.Evidence {
			add(csvRow{Section: "evidence", Key: f.Rule, Severity: f.Severity.String(), Rule: f.Rule, First: timeText(e.Time),
				User: e.User, App: e.App, IP: e.IP, Code: codeText(e.Code), Policy: strings.Join(e.Policies, "; "),
				RequestID: e.RequestID, CorrelationID: e.CorrelationID, Source: e.Source})
		}
		omitted("evidence", f.Rule, f.EvidenceOmitted)
	}
	omitted("findings", "", r.FindingsOmitted)

	for _, p := range r.Policies {
		total, successes := 0, 0
		for _, rc := range p.Results {
			total += rc.Count
			if rc.Result == "success" {
				successes += rc.Count
			}
		}
		key := p.ID
		if key == "" {
			key = p.Name
		}
		add(csvRow{Section: "policy", Key: key, Name: policyName(p), Policy: policyName(p), Count: num(total),
			Failures: num(p.Failures), Successes: num(successes), Detail: controlsText(p)})
		for _, rc := range p.Results {
			add(csvRow{Section: "policy-result", Key: key, Name: rc.Result, Policy: policyName(p), Count: num(rc.Count)})
		}
	}
	omitted("policies", "", r.PoliciesOmitted)
	rows = append(rows, evaluationRows(r)...)

	for _, l := range r.Locations {
		asn := ""
		if l.ASN != 0 {
			asn = num(l.ASN)
		}
		detail := ""
		if len(l.SeenByResource) > 0 {
			detail = "seen by resource: " + strings.Join(l.SeenByResource, "; ")
		}
		add(csvRow{Section: "location", Key: l.IP, Name: strings.Join(l.NamedLocations, "; "), Count: num(l.Failures + l.Successes),
			Failures: num(l.Failures), Successes: num(l.Successes), IP: l.IP, Location: locationText(l), ASN: asn,
			Trusted: yesNo(l.Trusted), Detail: detail})
	}
	omitted("locations", "", r.LocationsOmitted)

	for _, d := range r.Devices {
		add(csvRow{Section: "device", Key: deviceText(d), Count: num(d.Failures + d.Successes),
			Failures: num(d.Failures), Successes: num(d.Successes)})
	}
	omitted("devices", "", r.DevicesOmitted)

	for _, e := range r.Errors {
		add(csvRow{Section: "error", Key: strconv.Itoa(e.Code), Name: e.Name, Code: strconv.Itoa(e.Code), Count: num(e.Count),
			Failures: num(e.Count), Detail: errorText(e)})
	}
	omitted("errors", "", r.ErrorsOmitted)

	width := time.Duration(r.Timeline.BucketSeconds) * time.Second
	for _, b := range r.Timeline.Buckets {
		add(csvRow{Section: "timeline", Key: timeText(b.Start), Count: num(b.Failures + b.Successes),
			Failures: num(b.Failures), Successes: num(b.Successes), First: timeText(b.Start), Last: timeText(b.Start.Add(width))})
	}

	for _, e := range r.RuleErrors {
		add(csvRow{Section: "rule-error", Key: e.Rule, Rule: e.Rule, Count: num(e.Count), Source: e.First, Detail: e.Error})
	}
	return rows
}

// fixValueRow is one combination of a fix's values: each value in the
// column of its kind where there is one (IP, user, policy), and all of them
// in detail.
func fixValueRow(f analyze.Finding, labels []string, v analyze.FixValues) csvRow {
	row := csvRow{Section: "fix-value", Key: f.Rule, Name: strings.Join(labels, "; "), Severity: f.Severity.String(), Rule: f.Rule, Count: num(v.Count)}
	parts := make([]string, len(v.Values))
	for i, x := range v.Values {
		label := ""
		if i < len(labels) {
			label = labels[i]
		}
		parts[i] = label + ": " + x
		switch label {
		case "IP address":
			row.IP = x
		case "user":
			row.User = x
		case "policy":
			row.Policy = x
		case "app":
			row.App = x
		}
	}
	row.Detail = strings.Join(parts, "; ")
	return row
}

// num writes a count as a spreadsheet reads it: digits only.
func num(n int) string { return strconv.Itoa(n) }

// csvSafe neutralises a cell that a spreadsheet would evaluate as a formula
// (CWE-1236): one whose first character other than a space is =, +, -, @
// (or their full-width forms), a tab or a carriage return gets a leading
// apostrophe, which spreadsheets show as text and do not run.
func csvSafe(v string) string {
	trimmed := strings.TrimLeft(v, " ")
	if trimmed == "" {
		return v
	}
	switch trimmed[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(trimmed, p) {
			return "'" + v
		}
	}
	return v
}
