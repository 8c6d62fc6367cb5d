package parse

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestCSVDateOrder reads a re-saved portal CSV whose dates are day first:
// a date that reads both ways is a skipped record that says so, not a date
// in the wrong month, and Options.DateOrder reads it as asked.
func TestCSVDateOrder(t *testing.T) {
	const header = "Date (UTC),Request ID,User,Username,Application,Application ID,IP address,Status,Sign-in error code\n"
	data := header +
		"20/11/2026 08:19:41,r1,Alex,alex@contoso.com,Azure DevOps,499b84ac-1321-427f-aa17-267ca6975798,198.51.100.7,Failure,53003\n" +
		"05/11/2026 08:19:41,r2,Alex,alex@contoso.com,Azure DevOps,499b84ac-1321-427f-aa17-267ca6975798,198.51.100.7,Failure,53003\n"
	read := func(order DateOrder) (times []string, errs []error) {
		in := BytesInput("NonInteractiveSignIns_2026-11-01_2026-11-22.csv", []byte(data))
		rd, err := Open(in, Options{DateOrder: order})
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		for {
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				return times, errs
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			times = append(times, rec.Time.Format("2006-01-02"))
		}
	}
	times, errs := read(DateOrderAuto)
	if strings.Join(times, " ") != "2026-11-20" || len(errs) != 1 || !errors.Is(errs[0], ErrAmbiguousTime) ||
		!strings.Contains(errs[0].Error(), `"05/11/2026 08:19:41" could be 11 May 2026 (month first) or 5 November 2026 (day first)`) {
		t.Errorf("auto: times %v, errors %v", times, errs)
	}
	if times, errs := read(DateOrderDayFirst); strings.Join(times, " ") != "2026-11-20 2026-11-05" || len(errs) != 0 {
		t.Errorf("day first: times %v, errors %v", times, errs)
	}
	// Month first, the day-first row is a bad date.
	if times, errs := read(DateOrderMonthFirst); strings.Join(times, " ") != "2026-05-11" || len(errs) != 1 || errors.Is(errs[0], ErrAmbiguousTime) {
		t.Errorf("month first: times %v, errors %v", times, errs)
	}
}
