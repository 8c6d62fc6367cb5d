package render

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/signinspect/signinspect/analyze"
)

// The HTML report's charts are SVG drawn here as plain shapes (rectangles,
// lines and text) that the HTML template writes out, so that html/template
// escapes every label and the page needs no script to show them.

// A chart is one SVG chart: its size, its shapes and the text for when
// there is nothing to draw.
type chart struct {
	ID, Title string
	// Desc describes the chart for screen readers.
	Desc          string
	Width, Height int
	Rects         []svgRect
	Lines         []svgLine
	Texts         []svgText
	// Note is a sentence under the chart ("top 10 of 14").
	Note string
	// Empty replaces the chart when there is no data.
	Empty string
}

// An svgRect is a bar; Tip is its tooltip.
type svgRect struct {
	X, Y, W, H float64
	Class, Tip string
}

// An svgLine is an axis or grid line.
type svgLine struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

// An svgText is a label; Anchor is "start", "middle" or "end".
type svgText struct {
	X, Y         float64
	Text, Anchor string
	Class, Tip   string
}

// round1 keeps one decimal, so that the SVG stays small and stable.
func round1(f float64) float64 { return math.Round(f*10) / 10 }

// niceStep returns the smallest of 1, 2, 5, 10, 20, 50 ... that is at least
// x, and at least 1: a tick step people read easily.
func niceStep(x float64) int {
	if x <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return int(m * p)
		}
	}
	return int(10 * p)
}

// Timeline chart geometry, in SVG units.
const (
	timelineWidth  = 960
	timelineHeight = 260
	timelineLeft   = 52
	timelineRight  = 12
	timelineTop    = 30
	timelineBottom = 44
)

// timelineChart draws the timeline as stacked columns: failures at the
// bottom, successes above them, with a y axis of round numbers and a date
// under every few columns.
func timelineChart(t analyze.Timeline, zone string) chart {
	c := chart{ID: "chart-timeline", Title: "Failures and successes over time",
		Width: timelineWidth, Height: timelineHeight, Empty: "No sign-in matched."}
	if len(t.Buckets) == 0 {
		return c
	}
	c.Desc = fmt.Sprintf("Stacked columns of failures and successes per %s from %s to %s.",
		bucketWords(t.BucketSeconds), timeText(t.Buckets[0].Start), timeText(t.Buckets[len(t.Buckets)-1].Start))
	peak := 0
	for _, b := range t.Buckets {
		peak = max(peak, b.Failures+b.Successes)
	}
	step := niceStep(float64(peak) / 4)
	top := step * int(math.Ceil(float64(max(peak, 1))/float64(step)))
	plotW := float64(timelineWidth - timelineLeft - timelineRight)
	plotH := float64(timelineHeight - timelineTop - timelineBottom)
	base := float64(timelineTop) + plotH
	y := func(n int) float64 { return base - float64(n)/float64(top)*plotH }

	for v := 0; v <= top; v += step {
		c.Lines = append(c.Lines, svgLine{X1: timelineLeft, Y1: round1(y(v)), X2: timelineWidth - timelineRight, Y2: round1(y(v)), Class: "grid"})
		c.Texts = append(c.Texts, svgText{X: timelineLeft - 8, Y: round1(y(v) + 4), Text: analyze.Count(v), Anchor: "end", Class: "axis"})
	}
	slot := plotW / float64(len(t.Buckets))
	barW := math.Max(1, slot*0.75)
	every := int(math.Ceil(float64(len(t.Buckets)) / 8))
	width := time.Duration(t.BucketSeconds) * time.Second
	for i, b := range t.Buckets {
		x := float64(timelineLeft) + float64(i)*slot + (slot-barW)/2
		tip := fmt.Sprintf("%s – %s: %s, %s", timeText(b.Start), timeText(b.Start.Add(width)),
			plural(b.Failures, "failure", "failures"), plural(b.Successes, "success", "successes"))
		if b.Failures > 0 {
			c.Rects = append(c.Rects, svgRect{X: round1(x), Y: round1(y(b.Failures)), W: round1(barW), H: round1(base - y(b.Failures)), Class: "fail", Tip: tip})
		}
		if b.Successes > 0 {
			c.Rects = append(c.Rects, svgRect{X: round1(x), Y: round1(y(b.Failures + b.Successes)), W: round1(barW),
				H: round1(y(b.Failures) - y(b.Failures+b.Successes)), Class: "ok", Tip: tip})
		}
		if i%every == 0 {
			mid := x + barW/2
			// Labels near an edge hang inwards so that the chart does not cut them.
			anchor := "middle"
			switch {
			case mid-timelineLeft < 36:
				anchor = "start"
			case timelineWidth-timelineRight-mid < 36:
				anchor = "end"
			}
			c.Lines = append(c.Lines, svgLine{X1: round1(mid), Y1: base, X2: round1(mid), Y2: base + 4, Class: "axis"})
			c.Texts = append(c.Texts, svgText{X: round1(mid), Y: base + 18, Text: tickLabel(b.Start, t.BucketSeconds), Anchor: anchor, Class: "axis"})
		}
	}
	c.Lines = append(c.Lines, svgLine{X1: timelineLeft, Y1: base, X2: timelineWidth - timelineRight, Y2: base, Class: "axis"})
	c.Texts = append(c.Texts, svgText{X: timelineLeft, Y: timelineHeight - 6, Text: fmt.Sprintf("%s, one column per %s", zone, bucketWords(t.BucketSeconds)), Anchor: "start", Class: "axis"})
	// The legend, top right.
	lx := float64(timelineWidth - timelineRight - 200)
	c.Rects = append(c.Rects, svgRect{X: lx, Y: 8, W: 12, H: 12, Class: "fail"}, svgRect{X: lx + 100, Y: 8, W: 12, H: 12, Class: "ok"})
	c.Texts = append(c.Texts, svgText{X: lx + 18, Y: 18, Text: "failures", Anchor: "start", Class: "legend"},
		svgText{X: lx + 118, Y: 18, Text: "successes", Anchor: "start", Class: "legend"})
	return c
}

// tickLabel writes a bucket start as short as the bucket width allows.
func tickLabel(t time.Time, bucketSeconds int64) string {
	if bucketSeconds >= 86400 {
		return t.Format("Jan 2")
	}
	return t.Format("Jan 2 15:04")
}

// A barItem is one row of a horizontal bar chart.
type barItem struct {
	Label string
	Value int
	Tip   string
}

// Bar chart geometry, in SVG units.
const (
	barsWidth     = 560
	barsLabelW    = 240
	barsRowH      = 26
	barsLineH     = 14 // A label's line height, when it wraps.
	barsMax       = 10
	barsLabel     = 32 // Characters of a label's line.
	barsLabelRows = 4  // Lines of a label; a longer one ends with "…".
)

// barChart draws items as horizontal bars, the largest first as given, at
// most barsMax of them; total is how many items there were in all, for the
// note under the chart, and what they are ("addresses").
func barChart(id, title, empty string, items []barItem, total int, what string) chart {
	c := chart{ID: id, Title: title, Width: barsWidth, Empty: empty}
	if len(items) == 0 {
		return c
	}
	if len(items) > barsMax {
		items = items[:barsMax]
	}
	if total > len(items) {
		c.Note = fmt.Sprintf("The %d with the most failures, of %s %s with failures.", len(items), analyze.Count(total), what)
	}
	c.Desc = fmt.Sprintf("Horizontal bars: %s.", title)
	peak := items[0].Value
	for _, it := range items {
		peak = max(peak, it.Value)
	}
	plotW := float64(barsWidth - barsLabelW - 56)
	top := 4.0
	for _, it := range items {
		lines := labelLines(it.Label)
		rowH := math.Max(barsRowH, float64(len(lines)*barsLineH+12))
		first := top + rowH/2 - float64(len(lines)-1)*barsLineH/2 + 4
		for k, l := range lines {
			c.Texts = append(c.Texts, svgText{X: barsLabelW - 8, Y: round1(first + float64(k*barsLineH)), Text: l, Anchor: "end", Class: "label", Tip: it.Label})
		}
		w := math.Max(2, float64(it.Value)/float64(max(peak, 1))*plotW)
		barY := top + rowH/2 - (barsRowH-8)/2
		c.Rects = append(c.Rects, svgRect{X: barsLabelW, Y: round1(barY), W: round1(w), H: barsRowH - 8, Class: "fail", Tip: it.Tip})
		c.Texts = append(c.Texts, svgText{X: round1(barsLabelW + w + 6), Y: round1(barY + 13), Text: analyze.Count(it.Value), Anchor: "start", Class: "value"})
		top += rowH
	}
	c.Height = int(math.Ceil(top)) + 4
	c.Lines = append(c.Lines, svgLine{X1: barsLabelW, Y1: 2, X2: barsLabelW, Y2: float64(c.Height - 2), Class: "axis"})
	return c
}

// labelLines wraps a bar's label at its spaces onto as many lines as it
// needs, up to barsLabelRows (the last then ends with "…"); the bar's row
// grows to hold them.
func labelLines(label string) []string {
	lines := wrapText(label, barsLabel)
	if len(lines) > barsLabelRows {
		lines = lines[:barsLabelRows]
		lines[barsLabelRows-1] = strings.TrimRight(lines[barsLabelRows-1], " ") + "…"
	}
	return lines
}

// policyChart draws the failures of each policy that failed a sign-in.
func policyChart(r *analyze.Report) chart {
	var items []barItem
	for _, p := range r.Policies {
		if p.Failures > 0 {
			items = append(items, barItem{Label: policyName(p), Value: p.Failures,
				Tip: fmt.Sprintf("%s: %s", policyName(p), plural(p.Failures, "failure", "failures"))})
		}
	}
	return barChart("chart-policies", "Failures by Conditional Access policy",
		"No Conditional Access policy failed a matched sign-in.", items, r.PoliciesFailing, "policies")
}

// ipChart draws the failures from each IP address that failed.
func ipChart(r *analyze.Report) chart {
	var items []barItem
	for _, l := range r.Locations {
		if l.Failures > 0 {
			label := l.IP
			if l.Country != "" {
				label += " (" + l.Country + ")"
			}
			items = append(items, barItem{Label: label, Value: l.Failures,
				Tip: fmt.Sprintf("%s %s: %s, %s", l.IP, locationText(l), plural(l.Failures, "failure", "failures"), plural(l.Successes, "success", "successes"))})
		}
	}
	return barChart("chart-ips", "Failures by IP address", "No failure matched.", items, r.LocationsFailing, "addresses")
}
