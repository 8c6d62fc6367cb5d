// check.js type-checks KQL queries with Microsoft's Kusto language service
// (@kusto/language-service-next, the C# Kusto.Language compiled to
// JavaScript) against the sign-in tables declared in ../tables.json.
//
// It reads a JSON array of {name, text} from standard input and writes a
// JSON array of {name, diagnostics: [{severity, code, message, line,
// column}]} to standard output, one entry per query in order. It exits 0
// whatever the diagnostics say; the Go test that runs it decides. It exits 2
// when it cannot run at all (no package installed, unreadable input).
"use strict";

const fs = require("fs");
const path = require("path");

function load() {
  try {
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  } catch (e) {
    process.stderr.write("check.js: @kusto/language-service-next is not installed; run npm ci in " + __dirname + "\n");
    process.exit(2);
  }
  return globalThis.Kusto.Language;
}

// globals returns the global state with one database holding the tables
// of the schema file: {tables: {Name: {Column: type, ...}, ...}}.
function globals(K, schemaFile) {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
  const tables = Object.keys(schema.tables).map((name) => {
    const cols = Object.entries(schema.tables[name]).map(([c, t]) => c + ":" + t);
    return K.Symbols.TableSymbol.From("(" + cols.join(", ") + ")").WithName(name);
  });
  const db = new K.Symbols.DatabaseSymbol.$ctor1("SignIns", tables, false);
  return K.GlobalState.Default.WithDatabase(db);
}

// position turns an offset into a 1-based line and column.
function position(text, offset) {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") { line++; col = 1; } else { col++; }
  }
  return { line, column: col };
}

function main() {
  const K = load();
  const schemaFile = process.argv[2] || path.join(__dirname, "..", "tables.json");
  const state = globals(K, schemaFile);
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = queries.map((q) => {
    const code = K.KustoCode.ParseAndAnalyze(q.text, state);
    const diagnostics = Bridge.toArray(code.GetDiagnostics()).map((d) => {
      const p = position(q.text, d.Start);
      return { severity: String(d.Severity), code: d.Code, message: d.Message, line: p.line, column: p.column };
    });
    return { name: q.name, diagnostics };
  });
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main();
