package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/signinspect/signinspect/internal/errlist"
	"github.com/signinspect/signinspect/internal/suggest"
	"github.com/signinspect/signinspect/parse"
	"github.com/signinspect/signinspect/policy"
)

// maxYAMLDepth bounds the nesting of test records.
const maxYAMLDepth = 64

// LoadPaths loads the rules of files and directories (searched recursively
// for *.yaml and *.yml). Every error of every file is reported, joined, in
// file and line order, and an ID defined twice is an error.
func LoadPaths(paths ...string) ([]Rule, error) {
	files, errs := pathSources(paths)
	return loadSources(files, errs)
}

// A ruleSource is the text of one rule file.
type ruleSource struct {
	name string
	data []byte
}

// pathSources reads the rule files of paths, with an error for each path
// or file that cannot be read.
func pathSources(paths []string) ([]ruleSource, []error) {
	var out []ruleSource
	var errs []error
	for _, p := range paths {
		files, err := ruleFiles(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range files {
			data, err := readRuleFile(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, ruleSource{f, data})
		}
	}
	return out, errs
}

// loadSources parses rule files and checks IDs across them.
func loadSources(files []ruleSource, errs []error) ([]Rule, error) {
	var out []Rule
	for _, f := range files {
		rs, fileErrs := parseFile(f.name, f.data)
		errs = append(errs, fileErrs...)
		out = append(out, rs...)
	}
	errs = append(errs, duplicateIDs(out)...)
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// ruleFiles returns p if it is a file, or the rule files below p if it is a
// directory, in lexical order.
func ruleFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, errlist.WithoutPath(err))
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	files, err := ruleFilesBelow(p, filepath.WalkDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, errlist.WithoutPath(err))
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no rule files (*.yaml, *.yml) in directory", p)
	}
	return files, nil
}

// ruleFilesBelow returns the rule files below root, in lexical order, as
// walk (filepath.WalkDir, or fs.WalkDir over a file system) finds them.
func ruleFilesBelow(root string, walk func(string, fs.WalkDirFunc) error) ([]string, error) {
	var files []string
	err := walk(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isRuleFileName(name) {
			files = append(files, name)
		}
		return nil
	})
	return files, err
}

func isRuleFileName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

func readRuleFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, errlist.WithoutPath(err))
	}
	if info.Size() > maxRuleFileSize {
		return nil, tooLargeRuleFile(name, info.Size())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, errlist.WithoutPath(err))
	}
	return data, nil
}

func tooLargeRuleFile(name string, size int64) error {
	return fmt.Errorf("%s: %d bytes is too large for a rule file (limit %d)", name, size, maxRuleFileSize)
}

// Load loads the rules of name within fsys: a file, or a directory searched
// recursively for *.yaml and *.yml. Errors are reported like LoadPaths.
func Load(fsys fs.FS, name string) ([]Rule, error) {
	files, errs, err := fsSources(fsys, name)
	if err != nil {
		return nil, err
	}
	return loadSources(files, errs)
}

// fsSources reads the rule files of name within fsys. err is set when name
// itself cannot be read; errs holds the errors of its files.
func fsSources(fsys fs.FS, name string) (files []ruleSource, errs []error, err error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	names := []string{name}
	if info.IsDir() {
		walk := func(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(fsys, root, fn) }
		if names, err = ruleFilesBelow(name, walk); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range names {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(data) > maxRuleFileSize {
			errs = append(errs, tooLargeRuleFile(f, int64(len(data))))
			continue
		}
		files = append(files, ruleSource{path.Clean(f), data})
	}
	return files, errs, nil
}

// duplicateIDs returns an error for each rule whose ID an earlier rule
// already has.
func duplicateIDs(rs []Rule) []error {
	var errs []error
	first := make(map[string]*Rule, len(rs))
	for i := range rs {
		r := &rs[i]
		if r.ID == "" {
			continue
		}
		if f, ok := first[r.ID]; ok {
			errs = append(errs, &RuleError{File: r.File, Line: r.keyLine("id"), RuleID: r.ID, Key: "id",
				Err: fmt.Errorf("duplicate rule ID; first defined at %s", where(f.File, f.keyLine("id")))})
			continue
		}
		first[r.ID] = r
	}
	return errs
}

func where(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// Parse reads the rules of one rule file: a YAML mapping (one rule), a list
// of mappings, or several documents of either. name is used in errors and
// as Rule.File. Every error found is reported, joined.
func Parse(name string, data []byte) ([]Rule, error) {
	rs, errs := parseFile(name, data)
	errs = append(errs, duplicateIDs(rs)...)
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	return rs, nil
}

// parseFile reads the rules of one file, without checking IDs across them.
func parseFile(name string, data []byte) ([]Rule, []error) {
	rs, _, errs := parseFileAll(name, data)
	return rs, errs
}

// parseFileAll is parseFile that also returns the rules that had errors,
// as far as they were read, so that lint can check their expressions too.
func parseFileAll(name string, data []byte) (ok, broken []Rule, errs []error) {
	l := &loader{file: name, budget: maxRecordValues}
	rs := l.parse(data)
	return rs, l.broken, l.errs
}

// loader walks the YAML tree of one file and collects errors.
type loader struct {
	file    string
	errs    []error
	broken  []Rule              // Rules read with errors.
	anchors map[string]ast.Node // Anchors of the current document.
	budget  int                 // Values left for test data (maxRecordValues).
	// ruleID and key name the test data being read, for its errors.
	ruleID, key string
}

func (l *loader) errorf(line int, ruleID, key, format string, args ...any) {
	l.errs = append(l.errs, &RuleError{File: l.file, Line: line, RuleID: ruleID, Key: key, Err: fmt.Errorf(format, args...)})
}

func (l *loader) parse(data []byte) []Rule {
	if len(data) > maxRuleFileSize {
		l.errorf(0, "", "", "%d bytes is too large for a rule file (limit %d)", len(data), maxRuleFileSize)
		return nil
	}
	if line, err := checkYAMLShape(data); err != nil {
		l.errorf(line, "", "", "%v", err)
		return nil
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.syntaxError(err)
		return nil
	}
	var out []Rule
	found := false
	for _, doc := range f.Docs {
		body := unwrap(doc.Body)
		if body == nil {
			continue
		}
		found = true
		l.collectAnchors(body)
		switch n := body.(type) {
		case *ast.MappingNode, *ast.MappingValueNode:
			out = l.keep(out, n)
		case *ast.SequenceNode:
			for _, v := range n.Values {
				v = unwrap(v)
				if _, ok := mappingValues(v); !ok {
					l.errorf(line(v), "", "", "want a rule (a mapping with id, title, when, ...), got %s", describeNode(v))
					continue
				}
				out = l.keep(out, v)
			}
		default:
			l.errorf(line(n), "", "", "want a rule (a mapping with id, title, when, ...) or a list of rules, got %s", describeNode(n))
		}
	}
	if !found {
		l.errorf(0, "", "", "no rule in file")
	}
	return out
}

// keep reads the rule of n and appends it to out, or to l.broken when it
// has errors.
func (l *loader) keep(out []Rule, n ast.Node) []Rule {
	r, ok := l.rule(n)
	if !ok {
		l.broken = append(l.broken, r)
		return out
	}
	return append(out, r)
}

// syntaxError reports a YAML syntax error with its line.
func (l *loader) syntaxError(err error) {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil {
		l.errorf(se.Token.Position.Line, "", "", "invalid YAML: %s", se.Message)
		return
	}
	l.errorf(0, "", "", "invalid YAML: %s", strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0]))
}

// ruleKeys are the keys a rule may have, in the order `rules show` prints
// them.
var ruleKeys = []string{"id", "title", "severity", "status", "description", "tags", "references", "when", "fix", "verdict", "tests"}

// requiredRuleKeys must be present in every rule.
var requiredRuleKeys = []string{"id", "title", "severity", "status", "description", "when", "fix"}

// caseKeys are the keys a test case may have.
// caseMemberships reads a case's memberships: a mapping of user to the
// IDs of their groups and roles.
func caseMemberships(v any) (*policy.Memberships, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a mapping of user to a list of group IDs, got %s", parse.JSONKind(v))
	}
	users := map[string][]string{}
	for user, groups := range m {
		list, ok := groups.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: want a list of group IDs, got %s", user, parse.JSONKind(groups))
		}
		for _, g := range list {
			s, ok := g.(string)
			if !ok {
				return nil, fmt.Errorf("%s: want group IDs as strings, got %s", user, parse.JSONKind(g))
			}
			users[user] = append(users[user], s)
		}
	}
	return policy.NewMemberships(users), nil
}

var caseKeys = []string{"name", "record", "format", "named-locations", "trusted-ips", "policies", "memberships", "match", "fix-contains", "verdict-contains"}

// rule reads one rule mapping. ok is false when the rule had errors.
func (l *loader) rule(n ast.Node) (Rule, bool) {
	values, _ := mappingValues(n)
	r := Rule{File: l.file, Line: line(n), pos: rulePos{keys: map[string]int{}}}
	before := len(l.errs)
	// The ID first, so that every other error can name the rule.
	for _, mv := range values {
		if keyName(mv) == "id" {
			id, err := scalarString(mv.Value)
			if err == nil {
				err = checkID(id)
			}
			if err != nil {
				l.errorf(line(mv.Value), "", "id", "%v", err)
			} else {
				r.ID = id
			}
		}
	}
	for _, mv := range values {
		key := keyName(mv)
		kl := line(mv.Key)
		if _, seen := r.pos.keys[key]; seen {
			l.errorf(kl, r.ID, key, "duplicate key; first at line %d", r.pos.keys[key])
			continue
		}
		r.pos.keys[key] = kl
		value := unwrap(mv.Value)
		var err error
		switch key {
		case "id":
			// Read above.
		case "title":
			r.Title, err = requiredString(value)
		case "description":
			r.Description, err = requiredString(value)
		case "severity":
			var s string
			if s, err = requiredString(value); err == nil {
				r.Severity, err = ParseSeverity(s)
			}
		case "status":
			var s string
			if s, err = requiredString(value); err == nil {
				r.Status, err = ParseStatus(s)
			}
		case "tags":
			r.Tags, err = l.stringList(value)
		case "references":
			r.References, err = l.stringList(value)
		case "when":
			r.When, err = requiredString(value)
			r.pos.when = textPos(value)
		case "fix":
			r.Fix, err = requiredString(value)
			r.pos.fix = textPos(value)
		case "verdict":
			r.Verdict, err = requiredString(value)
			r.pos.verdict = textPos(value)
		case "tests":
			r.Tests = l.cases(&r, value)
		default:
			err = unknownKeyError(key, ruleKeys)
		}
		if err != nil {
			l.errorf(errLine(key, kl, value), r.ID, key, "%v", err)
		}
	}
	var missing []string
	for _, k := range requiredRuleKeys {
		if _, ok := r.pos.keys[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		l.errorf(r.Line, r.ID, "", "%s (a rule needs %s)", missingKeys(missing), strings.Join(requiredRuleKeys, ", "))
	}
	return r, len(l.errs) == before
}

// errLine returns the line to report an error about a key's value on: the
// value's own line for scalars, else the key's.
func errLine(key string, keyLine int, value ast.Node) int {
	if value != nil {
		if _, ok := value.(*ast.LiteralNode); !ok {
			if l := line(value); l > 0 {
				return l
			}
		}
	}
	return keyLine
}

// cases reads the tests list of r.
func (l *loader) cases(r *Rule, n ast.Node) []Case {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		l.errorf(line(n), r.ID, "tests", "want a list of cases, got %s", describeNode(n))
		return nil
	}
	var out []Case
	for i, item := range seq.Values {
		item = unwrap(item)
		prefix := fmt.Sprintf("tests[%d]", i)
		values, ok := mappingValues(item)
		if !ok {
			l.errorf(line(item), r.ID, prefix, "want a case (a mapping with name, record, match), got %s", describeNode(item))
			continue
		}
		c := Case{Line: line(item)}
		seen := map[string]int{}
		for _, mv := range values {
			key := keyName(mv)
			kl := line(mv.Key)
			qkey := prefix + "." + key
			if first, dup := seen[key]; dup {
				l.errorf(kl, r.ID, qkey, "duplicate key; first at line %d", first)
				continue
			}
			seen[key] = kl
			value := unwrap(mv.Value)
			var err error
			switch key {
			case "name":
				c.Name, err = requiredString(value)
			case "record":
				c.recordLine = kl
				var v any
				l.ruleID, l.key = r.ID, qkey
				if v, err = l.value(value, 0, parse.JSONRecordKeys()); err != nil {
					break
				}
				if _, ok := v.(map[string]any); !ok {
					err = fmt.Errorf("want a sign-in as a mapping in Microsoft Graph JSON shape, got %s", parse.JSONKind(v))
					break
				}
				c.Record, err = json.Marshal(v)
			case "format":
				var s string
				if s, err = requiredString(value); err == nil {
					c.Format, err = parse.ParseFormat(s)
				}
			case "named-locations":
				var v any
				if v, err = l.value(value, 0, nil); err == nil {
					var data []byte
					if data, err = json.Marshal(v); err == nil {
						c.NamedLocations, err = policy.ParseNamedLocations("named-locations", data)
						if err != nil {
							err = errors.New(strings.TrimPrefix(err.Error(), "named-locations: "))
						}
					}
				}
			case "policies":
				var v any
				if v, err = l.value(value, 0, nil); err == nil {
					var data []byte
					if data, err = json.Marshal(v); err == nil {
						var ex *policy.Export
						if ex, err = policy.ParsePolicies("policies", data); err != nil {
							err = errors.New(strings.TrimPrefix(err.Error(), "policies: "))
						} else {
							c.Policies = ex.Policies
						}
					}
				}
			case "memberships":
				var v any
				if v, err = l.value(value, 0, nil); err == nil {
					c.Memberships, err = caseMemberships(v)
				}
			case "trusted-ips":
				var list []string
				if list, err = l.stringList(value); err == nil {
					for _, s := range list {
						var p netip.Prefix
						if p, err = policy.ParseTrustedIP(s); err != nil {
							break
						}
						c.TrustedIPs = append(c.TrustedIPs, p)
					}
				}
			case "match":
				b, ok := value.(*ast.BoolNode)
				if !ok {
					err = fmt.Errorf("want true or false, got %s", describeNode(value))
				} else {
					c.Match = b.Value
				}
			case "fix-contains":
				c.FixContains, err = l.stringList(value)
			case "verdict-contains":
				c.VerdictContains, err = l.stringList(value)
			default:
				err = unknownKeyError(key, caseKeys)
			}
			if err != nil {
				l.errorf(errLine(key, kl, value), r.ID, qkey, "%v", err)
			}
		}
		var missing []string
		for _, k := range []string{"name", "record", "match"} {
			if _, ok := seen[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			l.errorf(c.Line, r.ID, prefix, "%s (a case needs name, record and match)", missingKeys(missing))
		}
		if len(c.FixContains) > 0 && !c.Match {
			l.errorf(seen["fix-contains"], r.ID, prefix+".fix-contains", "only a matching case (match: true) renders a fix")
		}
		if len(c.VerdictContains) > 0 && !c.Match {
			l.errorf(seen["verdict-contains"], r.ID, prefix+".verdict-contains", "only a matching case (match: true) renders a verdict")
		}
		out = append(out, c)
	}
	return out
}

// stringList reads a list of strings; a single string is not a list.
func (l *loader) stringList(n ast.Node) ([]string, error) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		return nil, fmt.Errorf("want a list of strings, got %s", describeNode(n))
	}
	out := make([]string, 0, len(seq.Values))
	for i, v := range seq.Values {
		s, err := requiredString(unwrap(v))
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i+1, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// missingKeys says which keys are missing: "missing key when", "missing
// keys title, when and fix".
func missingKeys(keys []string) string {
	if len(keys) == 1 {
		return "missing key " + keys[0]
	}
	return "missing keys " + strings.Join(keys[:len(keys)-1], ", ") + " and " + keys[len(keys)-1]
}

// unknownKeyError names an unknown key and suggests the closest known one.
func unknownKeyError(key string, known []string) error {
	best, bestDist := "", 3
	for _, k := range known {
		if d := suggest.Distance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Errorf("unknown key; did you mean %q?", best)
	}
	return fmt.Errorf("unknown key (want one of %s)", strings.Join(known, ", "))
}

// unwrap returns the value under anchors and tags.
func unwrap(n ast.Node) ast.Node {
	for i := 0; i < maxYAMLDepth; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

// mappingValues returns the key-value pairs of a mapping node.
func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

// keyName returns a mapping key as text.
func keyName(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	if s, ok := unwrap(mv.Key).(ast.ScalarNode); ok {
		return fmt.Sprint(s.GetValue())
	}
	return mv.Key.String()
}

// line returns the line of a node's first token, or 0.
func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if mv, ok := n.(*ast.MappingValueNode); ok && mv.Key != nil {
		n = mv.Key
	}
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && m.Values[0].Key != nil {
		n = m.Values[0].Key
	}
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Line
	}
	return 0
}

// textPos locates the text of a scalar value for mapping expression
// positions.
func textPos(n ast.Node) scalarPos {
	switch v := n.(type) {
	case *ast.LiteralNode:
		// The text starts on the line after the | or > header.
		return scalarPos{line: line(v) + 1, block: v.Start != nil && strings.HasPrefix(v.Start.Value, "|")}
	case nil:
		return scalarPos{}
	}
	return scalarPos{line: line(n)}
}

// scalarString returns the text of a scalar node: strings and block
// literals as they read, numbers and booleans as written.
func scalarString(n ast.Node) (string, error) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", nil
		}
		return v.Value.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, nil
	case nil, *ast.NullNode:
		return "", errors.New("missing value")
	case *ast.AliasNode:
		return "", errors.New("aliases (*name) are only supported in test data (record, named-locations)")
	default:
		return "", fmt.Errorf("want text, got %s", describeNode(v))
	}
}

// requiredString is scalarString that rejects blank text.
func requiredString(n ast.Node) (string, error) {
	s, err := scalarString(n)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		return "", errors.New("missing value")
	}
	return s, nil
}

// maxRecordValues bounds the number of values a test record may expand to
// through aliases, so that a few nested aliases cannot make a huge record.
const maxRecordValues = 100000

// collectAnchors records the anchors (&name) of a document, so that test
// records can reuse one another with aliases (*name) and merge keys
// (<<: *name).
func (l *loader) collectAnchors(doc ast.Node) {
	l.anchors = map[string]ast.Node{}
	for _, n := range ast.Filter(ast.AnchorType, doc) {
		a, ok := n.(*ast.AnchorNode)
		if !ok || a.Name == nil {
			continue
		}
		name := a.Name.GetToken().Value
		if _, dup := l.anchors[name]; dup {
			l.errorf(line(a), "", "", "anchor &%s defined twice", name)
			continue
		}
		l.anchors[name] = a.Value
	}
}

// alias returns the node an alias refers to.
func (l *loader) alias(a *ast.AliasNode) (ast.Node, error) {
	if a.Value == nil {
		return nil, fmt.Errorf("line %d: alias without a name", line(a))
	}
	name := a.Value.GetToken().Value
	n, ok := l.anchors[name]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown alias *%s (no &%s in this document)", line(a), name, name)
	}
	return n, nil
}

// value converts a YAML node of a test record into the JSON data model:
// maps with string keys, slices, strings, numbers, booleans and nil.
// Aliases and merge keys are resolved. When keys is not nil, the members of
// mappings are checked against it (a sign-in's members as the JSON readers
// know them): each unknown one is reported, at its line, and left out.
func (l *loader) value(n ast.Node, depth int, keys *parse.JSONKeys) (any, error) {
	return l.valueAt(n, depth, keys, "")
}

// valueAt is value for the member at path (Graph's names, dotted) of the
// test record, which messages name.
func (l *loader) valueAt(n ast.Node, depth int, keys *parse.JSONKeys, path string) (any, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxYAMLDepth)
	}
	l.budget--
	if l.budget < 0 {
		return nil, fmt.Errorf("test data expands to more than %d values", maxRecordValues)
	}
	n = unwrap(n)
	if a, ok := n.(*ast.AliasNode); ok {
		target, err := l.alias(a)
		if err != nil {
			return nil, err
		}
		return l.valueAt(target, depth+1, keys, path)
	}
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return nil, nil
	case *ast.MappingNode, *ast.MappingValueNode:
		values, _ := mappingValues(v)
		m := make(map[string]any, len(values))
		var merges []ast.Node
		for _, mv := range values {
			if mv.Key != nil && mv.Key.IsMergeKey() {
				merges = append(merges, mv.Value)
				continue
			}
			if _, ok := unwrap(mv.Key).(ast.ScalarNode); !ok {
				return nil, fmt.Errorf("line %d: want a plain key, got %s", line(mv.Key), describeNode(mv.Key))
			}
			k := keyName(mv)
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", line(mv.Key), k)
			}
			var sub *parse.JSONKeys
			if keys != nil {
				var known bool
				if sub, known = keys.Member(k); !known {
					l.errorf(line(mv.Key), l.ruleID, l.key, "%v", unknownRecordKey(k, keys, path))
					continue
				}
			}
			val, err := l.valueAt(mv.Value, depth+1, sub, strings.TrimPrefix(path+"."+k, "."))
			if err != nil {
				return nil, err
			}
			m[k] = val
		}
		// Keys written in the mapping win over merged ones; among merged
		// mappings, the first listed wins.
		for _, mn := range merges {
			sources := []ast.Node{mn}
			if seq, ok := unwrap(mn).(*ast.SequenceNode); ok {
				sources = seq.Values
			}
			for _, src := range sources {
				val, err := l.valueAt(src, depth+1, keys, path)
				if err != nil {
					return nil, err
				}
				mm, ok := val.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("line %d: a merge key (<<) takes a mapping or a list of them, got %s", line(src), parse.JSONKind(val))
				}
				for k, x := range mm {
					if _, set := m[k]; !set {
						m[k] = x
					}
				}
			}
		}
		return m, nil
	case *ast.SequenceNode:
		out := make([]any, 0, len(v.Values))
		for _, item := range v.Values {
			val, err := l.valueAt(item, depth+1, keys, path)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		return out, nil
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return scalarString(v)
	case *ast.IntegerNode:
		return v.Value, nil
	case *ast.FloatNode:
		return v.Value, nil
	case *ast.BoolNode:
		return v.Value, nil
	default:
		return nil, fmt.Errorf("line %d: %s is not a JSON value", line(v), describeNode(v))
	}
}

// unknownRecordKey explains a member of a test record that the JSON readers
// do not know: a misspelling of a member of the same object, a member of
// another object, or one that no reader reads.
func unknownRecordKey(k string, keys *parse.JSONKeys, path string) error {
	where := "the sign-in"
	if path != "" {
		where = path
	}
	best, bestDist := "", 3
	if len(k) <= 4 {
		bestDist = 2
	}
	for _, n := range keys.Names() {
		if d := suggest.Distance(strings.ToLower(k), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	switch {
	case best != "":
		return fmt.Errorf("unknown key %q in %s; did you mean %q?", k, where, best)
	case parse.JSONRecordKeys().Path(k) != "":
		return fmt.Errorf("unknown key %q here; it belongs at %s", k, parse.JSONRecordKeys().Path(k))
	}
	return fmt.Errorf("unknown key %q in %s: no reader reads it, so no rule could see it (the keys are those of Microsoft Graph's signIn)", k, where)
}

// describeNode names a node's kind for errors.
func describeNode(n ast.Node) string {
	switch v := unwrap(n).(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.AliasNode:
		return "an alias"
	default:
		return strings.ToLower(v.Type().String())
	}
}
