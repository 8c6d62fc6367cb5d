package analyze

import (
	"net/netip"
	"sort"

	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/rules"
)

// ruleEvaluator turns a rule set's matches into Hits for one goroutine.
type ruleEvaluator struct {
	ev   *rules.Evaluator
	hits []Hit
}

func newRuleEvaluator(s *rules.Set) *ruleEvaluator {
	return &ruleEvaluator{ev: s.NewEvaluator()}
}

// eval returns the rules that fire on rec. The slice is reused by the next
// call.
func (e *ruleEvaluator) eval(rec *parse.Record) []Hit {
	e.hits = e.hits[:0]
	for _, m := range e.ev.Eval(rec) {
		r := m.Rule
		e.hits = append(e.hits, Hit{
			Rule: r.ID, Severity: r.Severity.String(), Rank: int(r.Severity),
			Title: r.Title, Description: r.Description, Tags: r.Tags, References: r.References,
			Fix: m.Fix,
		})
	}
	return e.hits
}

// ruleErrors lists the run-time errors of the rules and of --where.
func ruleErrors(s *rules.Set, where *rules.Filter) []RuleError {
	var errs []rules.RuleRunError
	if s != nil {
		errs = append(errs, s.RunErrors()...)
	}
	if where != nil {
		if e := where.RunError(); e != nil {
			errs = append(errs, *e)
		}
	}
	var out []RuleError
	for _, e := range errs {
		id := e.RuleID
		if id == "" {
			id = "--where"
		}
		out = append(out, RuleError{Rule: id, Error: e.Err.Error(), Count: e.Count, First: sourceString(e.First), Message: e.Error()})
	}
	return out
}

// locator resolves IP addresses to the named locations of a rules.Context,
// for the locations section.
type locator struct {
	ctx *rules.Context
}

func newLocator(ctx *rules.Context) *locator {
	if ctx == nil || len(ctx.NamedLocations) == 0 && len(ctx.TrustedIPs) == 0 {
		return nil
	}
	return &locator{ctx: ctx}
}

// resolve returns the names of the IP named locations ip lies in and
// whether one of them (or a --trusted-ip range) is trusted.
func (l *locator) resolve(ip string) ([]string, *bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, nil
	}
	addr = addr.Unmap()
	trusted := false
	var names []string
	for _, nl := range l.ctx.NamedLocations {
		for _, p := range nl.Ranges {
			if prefixContains(p, addr) {
				names = append(names, nl.Name)
				trusted = trusted || nl.Trusted
				break
			}
		}
	}
	for _, p := range l.ctx.TrustedIPs {
		if prefixContains(p, addr) {
			names = append(names, "--trusted-ip "+p.String())
			trusted = true
		}
	}
	sort.Strings(names)
	return names, parse.BoolPtr(trusted)
}

// prefixContains is netip.Prefix.Contains with IPv4-mapped IPv6 ranges and
// addresses compared as IPv4, as Entra compares them.
func prefixContains(p netip.Prefix, addr netip.Addr) bool {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Contains(addr)
}
