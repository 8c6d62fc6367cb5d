// Package synth generates large, realistic and deterministic streams of
// Entra ID sign-ins for benchmarks, and writes them in the export formats
// signinspect reads.
//
// It is a Go port of the reference generator shared/bench/gen.py: the same
// tenant (18 apps, 15 Conditional Access policies, 2,000 users behind about
// 320 IP ranges), the same distributions and the same built-in scenario —
// five target users who use Azure DevOps heavily and fail more often, an
// incident from 2025-11-17 to 2025-11-19 when a newly enabled compliant
// device policy makes their failures spike, Visual Studio sign-ins whose
// resource is Azure DevOps, report-only policies that report failures on
// successful sign-ins, and "Other." as the failure reason of successes. The
// record stream depends only on the Config: the same Config gives the same
// bytes (on one architecture: Go's math.Exp, Log and Pow, which shape the
// times and policy counts, may differ in the last bit across processors).
// It is not byte-identical to gen.py's, which uses Python's random numbers.
//
// A Generator yields sign-ins newest first, as the portal lists them, in
// constant memory whatever the number of records.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config says which stream of sign-ins to generate.
type Config struct {
	// Records is the number of sign-ins.
	Records int
	// Seed selects the stream; the tenant's policies are the same for
	// every seed.
	Seed uint64
	// End is the exclusive newest bound of the sign-in times; zero means
	// DefaultEnd.
	End time.Time
	// Days is the span of the sign-in times, ending at End; zero means 30.
	Days int
}

// DefaultEnd is the newest bound of the sign-in times unless Config says
// otherwise: the stream then spans 2025-10-25 to 2025-11-24.
var DefaultEnd = time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)

// Range kinds: office egress, consumer ISPs, and networks in risky
// countries (or otherwise suspicious).
const (
	kindCorp  = "corp"
	kindISP   = "isp"
	kindRisky = "risky"
)

// ipRange is a /24 (or /64) that sign-ins come from, with its place.
type ipRange struct {
	v6     bool
	prefix string
	city   *City
	asn    int
	kind   string
}

// User is one member or guest of the tenant.
type User struct {
	UPN, Name, ID string
	Guest         bool
	target        bool
	ips           []userIP
	devices       []Device
	weight        float64
}

type userIP struct {
	ip      string
	network *ipRange
}

// Tri is a boolean that may be unknown (JSON null).
type Tri int8

// Tri values.
const (
	Null Tri = iota
	False
	True
)

func triOf(b bool) Tri {
	if b {
		return True
	}
	return False
}

// Device is a sign-in's deviceDetail.
type Device struct {
	ID, Name, OS, Browser string
	Compliant, Managed    Tri
	TrustType             string
}

// AppliedPolicy is one policy's result on one sign-in.
type AppliedPolicy struct {
	Policy *Policy
	Result string
	// Active policies list their grant and session controls.
	Active bool
}

// Network location details a sign-in can carry.
const (
	NetworkNone = iota
	NetworkCorporate
	NetworkAllowedCountries
)

// SignIn is one generated sign-in, with what every export format writes.
// Strings that a Generator fills are valid until the next call of Next.
type SignIn struct {
	ID              string
	Created         int64 // Unix seconds, UTC.
	User            *User
	App             *App
	IP              string
	City            *City
	ASN             int
	ClientApp       string
	UserAgent       string
	CorrelationID   string
	CAStatus        string // "success", "failure" or "notApplied".
	Interactive     bool
	ProcessingMS    int
	AuthRequirement string
	UniqueTokenID   string
	IncomingToken   string // "none" or "primaryRefreshToken".
	Code            int
	Reason          string
	Details         string // "" writes null.
	Device          Device
	Policies        []AppliedPolicy
	Network         int // A Network constant.
}

// Failed reports whether the sign-in failed.
func (s *SignIn) Failed() bool { return s.Code != 0 }

// Generator yields the sign-ins of one Config, newest first.
type Generator struct {
	cfg     Config
	r       *rand.Rand // Everything but the times.
	times   *rand.Rand // The times, drawn as descending order statistics.
	emitted int
	prevU   float64 // The last uniform the times were drawn from.

	start          int64 // Unix seconds of the oldest bound.
	hourWeight     []float64
	hourCum        []float64 // len(hourWeight)+1 running sums, from 0.
	incident0      int64
	incident1      int64
	policies       []Policy
	ranges         []ipRange
	isp, risky     []int // Indexes into ranges.
	users          []User
	userCum        []float64
	appCum         []float64
	clientCum      []float64
	errAll, errADO []float64
	errIncident    []float64
	reasons        map[reasonKey]string
	adoIndex       int // Azure DevOps in apps.
	chosen         [16]bool
	policyBuf      []AppliedPolicy
}

type reasonKey struct {
	code int
	app  *App
}

// policySeed fixes the policies' IDs for every seed, as the reference does.
const policySeed = 0x5EED

// New prepares the tenant of cfg: its policies, IP ranges and users.
func New(cfg Config) *Generator {
	if cfg.End.IsZero() {
		cfg.End = DefaultEnd
	}
	if cfg.Days <= 0 {
		cfg.Days = 30
	}
	if cfg.Records < 0 {
		cfg.Records = 0
	}
	g := &Generator{
		cfg:     cfg,
		r:       rand.New(rand.NewPCG(cfg.Seed, 0x6a09e667f3bcc908)),
		times:   rand.New(rand.NewPCG(cfg.Seed, 0xbb67ae8584caa73b)),
		prevU:   1,
		reasons: map[reasonKey]string{},
	}
	g.incident0 = mustTime(IncidentStart).Unix()
	g.incident1 = mustTime(IncidentEnd).Unix()

	pr := rand.New(rand.NewPCG(policySeed, policySeed))
	g.policies = append([]Policy(nil), policyTable...)
	for i := range g.policies {
		g.policies[i].ID = uuid(pr)
	}
	g.initTimes()
	g.initRanges()
	g.initUsers()
	for i, a := range apps {
		g.appCum = appendCum(g.appCum, a.weight)
		if a.ID == AzureDevOpsAppID {
			g.adoIndex = i
		}
	}
	for _, c := range clientApps {
		g.clientCum = appendCum(g.clientCum, c.w)
	}
	g.errAll = cumOf(errorsAll)
	g.errADO = cumOf(errorsTargetADO)
	g.errIncident = cumOf(errorsIncident)
	return g
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func appendCum(cum []float64, w float64) []float64 {
	acc := w
	if len(cum) > 0 {
		acc += cum[len(cum)-1]
	}
	return append(cum, acc)
}

func cumOf[T any](ws []weighted[T]) []float64 {
	var cum []float64
	for _, w := range ws {
		cum = appendCum(cum, w.w)
	}
	return cum
}

// initTimes weighs each hour of the span: business hours on weekdays
// are busiest, weekends quietest.
func (g *Generator) initTimes() {
	start := g.cfg.End.Add(-time.Duration(g.cfg.Days) * 24 * time.Hour)
	g.start = start.Unix()
	bins := g.cfg.Days * 24
	g.hourCum = append(g.hourCum, 0)
	for b := 0; b < bins; b++ {
		t := start.Add(time.Duration(b) * time.Hour).UTC()
		weekday := t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
		w := 0.3
		switch {
		case weekday && t.Hour() >= 7 && t.Hour() < 19:
			w = 1
		case weekday:
			w = 0.45
		}
		g.hourWeight = append(g.hourWeight, w)
		g.hourCum = append(g.hourCum, g.hourCum[len(g.hourCum)-1]+w)
	}
}

// initRanges makes about 320 IP ranges: the offices' first, then ISPs, some
// of them risky, about 15% of them IPv6.
func (g *Generator) initRanges() {
	r := g.r
	for i := 0; i < 320; i++ {
		var rg ipRange
		if i < len(corpCities)*2 {
			rg.city = &cities[corpCities[i%len(corpCities)]]
			rg.asn, rg.kind = 3320, kindCorp
			if i%2 == 1 {
				rg.asn = 8075
			}
		} else {
			rg.city = &cities[r.IntN(len(cities))]
			rg.asn, rg.kind = asns[r.IntN(len(asns))], kindISP
			if riskyCountries[rg.city.Country] || r.Float64() < 0.05 {
				rg.kind = kindRisky
			}
		}
		if r.Float64() < 0.15 && rg.kind != kindCorp {
			rg.v6 = true
			rg.prefix = fmt.Sprintf("2a0%x:%x:%x:%x", r.IntN(16), 0x1000+r.IntN(0xe000), r.IntN(0x10000), r.IntN(0x10000))
		} else {
			a := 0
			for {
				a = 1 + r.IntN(222)
				if a != 10 && a != 127 && a != 100 && a != 169 && a != 172 && a != 192 && a != 198 && a != 203 {
					break
				}
			}
			rg.prefix = fmt.Sprintf("%d.%d.%d", a, r.IntN(256), r.IntN(256))
		}
		g.ranges = append(g.ranges, rg)
	}
	for i := range g.ranges {
		switch g.ranges[i].kind {
		case kindISP:
			g.isp = append(g.isp, i)
		case kindRisky:
			g.risky = append(g.risky, i)
		}
	}
}

// ip returns a fresh address in range i.
func (g *Generator) ip(i int) userIP {
	rg := &g.ranges[i]
	r := g.r
	if !rg.v6 {
		return userIP{rg.prefix + "." + strconv.Itoa(1+r.IntN(254)), rg}
	}
	return userIP{fmt.Sprintf("%s:%x:%x:%x:%x", rg.prefix, r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000), r.IntN(0x10000)), rg}
}

// initUsers makes 2,000 users: the five targets, then people with a
// power-law activity; about 3% are guests from Fabrikam.
func (g *Generator) initUsers() {
	r := g.r
	var corp []int
	for i := range g.ranges {
		if g.ranges[i].kind == kindCorp {
			corp = append(corp, i)
		}
	}
	seen := map[string]bool{}
	nt := len(targetNames)
	for k := 0; k < 2000; k++ {
		var first, last string
		if k < nt {
			first, last = targetNames[k][0], targetNames[k][1]
		} else {
			first, last = firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		}
		base := strings.ReplaceAll(strings.ToLower(fold(first+"."+last)), " ", "")
		local := base
		for j := 1; seen[local]; {
			j++
			local = base + strconv.Itoa(j)
		}
		seen[local] = true
		u := User{target: k < nt}
		u.Guest = k >= nt && r.Float64() < 0.03
		if u.Guest {
			u.UPN = local + "_fabrikam.com#EXT#@contoso.onmicrosoft.com"
			u.Name = first + " " + last + " (Fabrikam)"
		} else {
			u.UPN = local + "@" + domain
			if r.Float64() < 0.12 {
				u.Name = last + ", " + first
			} else {
				u.Name = first + " " + last
			}
		}
		u.ips = append(u.ips, g.ip(corp[r.IntN(len(corp))]), g.ip(corp[r.IntN(len(corp))]), g.ip(g.isp[r.IntN(len(g.isp))]))
		if r.Float64() < 0.5 {
			u.ips = append(u.ips, g.ip(g.isp[r.IntN(len(g.isp))]))
		}
		n := 2
		if !u.target {
			n = r.IntN(4)
		}
		for d := 0; d < n; d++ {
			osb := osBrowsers[r.IntN(6)]
			dev := Device{ID: uuid(r), OS: osb[0], Browser: osb[1], TrustType: trustTypes[r.IntN(3)]}
			compliant := r.Float64() < 0.75
			dev.Compliant = triOf(compliant)
			dev.Managed = triOf(compliant || r.Float64() < 0.5)
			if osb[0] == iOS {
				dev.Name = first + "'s iPhone"
			} else {
				dev.Name = fold(strings.ToUpper(fmt.Sprintf("LT-%s%s-%02d", string([]rune(first)[:1]), last, r.IntN(99))))
			}
			u.devices = append(u.devices, dev)
		}
		if u.target {
			// One compliant, hybrid joined box and one unmanaged, registered one.
			u.devices[0].Compliant, u.devices[0].Managed, u.devices[0].TrustType = True, True, trustHybrid
			u.devices[1].Compliant, u.devices[1].Managed, u.devices[1].TrustType = False, False, trustRegistered
			u.weight = targetShare
		} else {
			u.weight = 1 / math.Pow(float64(k-nt+5), 1.05)
		}
		u.ID = uuid(r)
		g.users = append(g.users, u)
	}
	others := 0.0
	for _, u := range g.users[nt:] {
		others += u.weight
	}
	rest := 1 - targetShare*float64(nt)
	for i := range g.users {
		if i >= nt {
			g.users[i].weight = g.users[i].weight / others * rest
		}
		g.userCum = appendCum(g.userCum, g.users[i].weight)
	}
}

// fold transliterates s as the reference generator does for names.
func fold(s string) string {
	var b strings.Builder
	for _, c := range s {
		if f, ok := asciiFold[c]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// uuid draws a version-4 UUID.
func uuid(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	var h [32]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := 0; i < 16; i++ {
		h[15-i] = hex[hi>>(4*i)&0xf]
		h[31-i] = hex[lo>>(4*i)&0xf]
	}
	var b [36]byte
	copy(b[0:8], h[0:8])
	b[8] = '-'
	copy(b[9:13], h[8:12])
	b[13] = '-'
	b[14] = '4'
	copy(b[15:18], h[13:16])
	b[18] = '-'
	b[19] = "89ab"[unhex(h[16])&3]
	copy(b[20:23], h[17:20])
	b[23] = '-'
	copy(b[24:36], h[20:32])
	return string(b[:])
}

func unhex(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// pick returns the index that a uniform draw falls in, over running sums.
func (g *Generator) pick(cum []float64) int {
	x := g.r.Float64() * cum[len(cum)-1]
	i := sort.Search(len(cum), func(i int) bool { return cum[i] > x })
	if i == len(cum) {
		i--
	}
	return i
}

// Records returns the number of sign-ins the generator yields in all.
func (g *Generator) Records() int { return g.cfg.Records }

// Policies returns the tenant's Conditional Access policies.
func (g *Generator) Policies() []Policy { return g.policies }

// nextTime returns the next sign-in time, newest first. The uniforms are
// drawn as descending order statistics (each the previous times the
// (remaining)th root of a fresh uniform), which gives the same law as
// sorting Records uniforms without holding them, and are then warped by the
// hourly weights.
func (g *Generator) nextTime() int64 {
	remaining := g.cfg.Records - g.emitted
	v := 1 - g.times.Float64() // (0, 1]: its logarithm is finite.
	g.prevU *= math.Exp(math.Log(v) / float64(remaining))
	y := g.prevU * g.hourCum[len(g.hourCum)-1]
	bins := len(g.hourWeight)
	b := sort.Search(len(g.hourCum), func(i int) bool { return g.hourCum[i] > y }) - 1
	if b >= bins {
		b = bins - 1
	}
	if b < 0 {
		b = 0
	}
	frac := (y - g.hourCum[b]) / g.hourWeight[b]
	return g.start + int64((float64(b)+frac)*3600)
}

// Next fills s with the next sign-in and reports whether there was one.
// s.Policies reuses its backing array from call to call.
func (g *Generator) Next(s *SignIn) bool {
	if g.emitted >= g.cfg.Records {
		return false
	}
	ts := g.nextTime()
	g.emitted++
	r := g.r

	u := &g.users[g.pick(g.userCum)]
	var app *App
	if u.target && r.Float64() < 0.6 {
		app = &apps[g.adoIndex]
	} else {
		app = &apps[g.pick(g.appCum)]
	}
	ado := app.ID == AzureDevOpsAppID
	interactive := r.Float64() < 0.10

	var from userIP
	switch x := r.Float64(); {
	case x < 0.93:
		from = u.ips[r.IntN(len(u.ips))]
	case x < 0.98:
		from = g.ip(g.isp[r.IntN(len(g.isp))])
	default:
		from = g.ip(g.risky[r.IntN(len(g.risky))])
	}
	rg := from.network

	var dev *Device
	switch {
	case ado && !interactive && r.Float64() < 0.6:
		// A personal access token or Git Credential Manager: no device.
	case len(u.devices) > 0 && r.Float64() < 0.8:
		dev = &u.devices[r.IntN(len(u.devices))]
	}

	incident := u.target && ado && g.incident0 <= ts && ts < g.incident1
	var pfail float64
	var table []weighted[int]
	var cum []float64
	switch {
	case incident:
		pfail, table, cum = 0.55, errorsIncident, g.errIncident
	case u.target && ado:
		pfail, table, cum = 0.22, errorsTargetADO, g.errADO
	default:
		pfail, table, cum = 0.07, errorsAll, g.errAll
		if rg.kind == kindRisky {
			pfail += 0.25
		}
	}
	code := 0
	if r.Float64() < pfail {
		code = table[g.pick(cum)].v
		if code == 50126 && !interactive {
			code = 50173
		}
	}

	// Policies: 3 to 12 of the tenant's 15, in the tenant's order.
	k := min(12, 3+int(10*math.Pow(r.Float64(), 1.7)))
	var failing [2]int
	nFailing := 0
	fail := func(p int) { failing[nFailing] = p; nFailing++ }
	var succeeding [2]int
	nSucceeding := 0
	succeed := func(p int) { succeeding[nSucceeding] = p; nSucceeding++ }
	kind := ""
	if code != 0 {
		kind = errorTable[code].kind
	}
	switch {
	case kind == kindBlock:
		if ado && rg.kind != kindCorp {
			fail(ca011)
			if rg.kind == kindRisky || r.Float64() < 0.15 {
				fail(ca005)
			}
		} else {
			fail([]int{ca005, ca050, ca002}[r.IntN(3)])
		}
	case kind == kindCompliant:
		if ado && (incident || r.Float64() < 0.5) {
			fail(ca010)
		} else {
			fail(ca004)
		}
		if dev != nil && dev.Compliant == True {
			dev = nil
		}
	case kind == kindDomainJoined:
		if ado {
			fail(ca012)
		} else {
			fail(ca004)
		}
		if dev != nil && dev.TrustType != trustRegistered {
			dev = nil
		}
	case kind == kindMFA && r.Float64() < 0.6:
		switch {
		case u.Guest:
			fail(ca007)
		case app.ResourceID == azureManagementID:
			fail(ca003)
		default:
			fail(ca001)
		}
	case kind == kindSIF:
		succeed(ca006)
	case code == 0 && r.Float64() < 0.45:
		succeed(ca001)
		if ado && dev != nil && dev.Compliant == True {
			succeed(ca010)
		}
	}
	chosen := &g.chosen
	*chosen = [16]bool{}
	n := 0
	for _, p := range failing[:nFailing] {
		if !chosen[p] {
			chosen[p] = true
			n++
		}
	}
	for _, p := range succeeding[:nSucceeding] {
		if !chosen[p] {
			chosen[p] = true
			n++
		}
	}
	for n < k {
		if p := r.IntN(len(g.policies)); !chosen[p] {
			chosen[p] = true
			n++
		}
	}
	pols := g.policyBuf[:0]
	for p := range g.policies {
		if !chosen[p] {
			continue
		}
		pol := &g.policies[p]
		var res string
		switch {
		case pol.State == "disabled":
			res = "notEnabled"
		case pol.State == "reportOnly":
			switch y := r.Float64(); {
			case y < 0.55:
				res = "reportOnlyNotApplied"
			case y < 0.8:
				res = "reportOnlySuccess"
			case y < 0.97:
				res = "reportOnlyFailure"
			default:
				res = "reportOnlyInterrupted"
			}
		case contains(failing[:nFailing], p):
			res = "failure"
		case contains(succeeding[:nSucceeding], p):
			res = "success"
		default:
			res = "notApplied"
		}
		active := res != "notEnabled" && res != "reportOnlyNotApplied" && res != "notApplied"
		pols = append(pols, AppliedPolicy{Policy: pol, Result: res, Active: active})
	}
	g.policyBuf = pols

	caStatus := "notApplied"
	switch {
	case nFailing > 0:
		caStatus = "failure"
	case nSucceeding > 0:
		caStatus = "success"
	}

	var reason, details string
	if code != 0 {
		reason, details = g.reason(code, app), errorTable[code].details
	} else {
		reason = "Other."
		if r.Float64() < 0.4 {
			details = mfaSatisfied
		}
	}

	var device Device
	if dev == nil {
		if r.Float64() < 0.5 {
			osb := osBrowsers[r.IntN(len(osBrowsers))]
			device.OS, device.Browser = osb[0], osb[1]
		}
		device.Compliant, device.Managed = False, False
		if r.Float64() >= 0.7 {
			device.Compliant, device.Managed = Null, Null
		}
	} else {
		device = *dev
	}

	authReq := "singleFactorAuthentication"
	if details == mfaSatisfied || kind == kindMFA {
		authReq = "multiFactorAuthentication"
	}
	network := NetworkNone
	switch c := rg.city.Country; {
	case rg.kind == kindCorp:
		network = NetworkCorporate
	case (c == "US" || c == "GB" || c == "DE" || c == "IN") && r.Float64() < 0.5:
		network = NetworkAllowedCountries
	}
	uas := userAgentsOther
	if ado || app.Name == "Visual Studio" {
		uas = userAgentsADO
	}
	ua := uas[r.IntN(len(uas))]

	*s = SignIn{
		ID:              uuid(r),
		Created:         ts,
		User:            u,
		App:             app,
		IP:              from.ip,
		City:            rg.city,
		ASN:             rg.asn,
		UserAgent:       ua,
		CAStatus:        caStatus,
		Interactive:     interactive,
		AuthRequirement: authReq,
		Code:            code,
		Reason:          reason,
		Details:         details,
		Device:          device,
		Policies:        pols,
		Network:         network,
	}
	if interactive && r.Float64() < 0.5 {
		s.ClientApp = "Browser"
	} else {
		s.ClientApp = clientApps[g.pick(g.clientCum)].v
	}
	s.CorrelationID = uuid(r)
	s.ProcessingMS = 20 + r.IntN(400)
	s.UniqueTokenID = fmt.Sprintf("%06x%016x", r.Uint32()&0xffffff, r.Uint64())
	s.IncomingToken = "none"
	if !interactive && dev != nil && r.Float64() < 0.5 {
		s.IncomingToken = "primaryRefreshToken"
	}
	return true
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// reason returns Microsoft's failure reason of code for app, with the
// resource ID, app ID and dates filled in.
func (g *Generator) reason(code int, app *App) string {
	key := reasonKey{code, app}
	if s, ok := g.reasons[key]; ok {
		return s
	}
	s := strings.NewReplacer("{rid}", app.ResourceID, "{aid}", app.ID, "{t1}", grantIssued, "{t2}", tokensValidAt).
		Replace(errorTable[code].reason)
	g.reasons[key] = s
	return s
}
