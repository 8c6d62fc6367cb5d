// duckdb-query.mjs runs the benchmark query of bench/compare.sh with DuckDB
// (@duckdb/node-api) and prints the answer in the normalized form that
// compare.sh diffs across tools: one tab-separated line per fact,
//
//   matched  -                                   <sign-ins matched>
//   policy   <policy display name>               <failures it caused>
//   ip       <IP address, or "(none)">           <failures from it>
//
// unsorted (compare.sh sorts). The query follows signinspect's filter
// semantics (analyze/filter.go, analyze/apps.go, parse's flow and status
// rules); README.md in this folder spells them out.
//
// Usage:
//   node duckdb-query.mjs --version
//   node duckdb-query.mjs --format jsonl|json|csv --user U --app NAME_OR_ID... \
//        --since RFC3339 --until RFC3339 [--flow non-interactive] [--status failure] \
//        [--schema columns|auto] PATH
//
// PATH may be a glob (folder/*.jsonl). --app takes one value per alias, all
// lower case: the caller expands well-known names (Azure DevOps ↔ its ID).
// --schema columns (the default) declares the columns the query reads, as
// one writes the query for speed (CSV: every column as text); auto lets
// DuckDB detect the schema from a sample, as a first query at the prompt
// does.

import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const o = { app: [], flow: 'non-interactive', status: 'failure', schema: 'columns' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} wants a value`);
      return argv[++i];
    };
    switch (a) {
      case '--format': o.format = next(); break;
      case '--user': o.user = next(); break;
      case '--app': o.app.push(next()); break;
      case '--since': o.since = next(); break;
      case '--until': o.until = next(); break;
      case '--flow': o.flow = next(); break;
      case '--status': o.status = next(); break;
      case '--schema': o.schema = next(); break;
      default:
        if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
        if (o.path) throw new Error(`one PATH only, got ${o.path} and ${a}`);
        o.path = a;
    }
  }
  for (const k of ['format', 'user', 'since', 'until', 'path']) {
    if (!o[k]) throw new Error(`--${k} is required`);
  }
  if (!['jsonl', 'json', 'csv'].includes(o.format)) throw new Error(`--format ${o.format}: want jsonl, json or csv`);
  if (!['failure', 'any'].includes(o.status)) throw new Error(`--status ${o.status}: want failure or any`);
  if (!['columns', 'auto'].includes(o.schema)) throw new Error(`--schema ${o.schema}: want columns or auto`);
  return o;
}

// lit quotes a SQL string literal.
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

// eqAny is "value equals one of the wanted strings, ignoring case", as
// analyze.anyEqualFold: empty values never match.
function eqAny(expr, wanted) {
  return `(nullif(${expr}, '') IS NOT NULL AND lower(${expr}) IN (${wanted.map(lit).join(', ')}))`;
}

// normKey is parse.normKey: lower case without spaces, tabs, dashes,
// underscores and no-break spaces.
const normKey = (expr) => `regexp_replace(lower(${expr}), '[ \\t\\-_\\x{00A0}]', '', 'g')`;

// jsonColumns are the columns the JSON query reads, with their types.
const jsonColumns = {
  createdDateTime: 'TIMESTAMPTZ',
  userPrincipalName: 'VARCHAR', userId: 'VARCHAR', userDisplayName: 'VARCHAR',
  servicePrincipalName: 'VARCHAR', servicePrincipalId: 'VARCHAR',
  appId: 'VARCHAR', appDisplayName: 'VARCHAR', resourceId: 'VARCHAR', resourceDisplayName: 'VARCHAR',
  isInteractive: 'BOOLEAN', signInEventTypes: 'VARCHAR[]',
  status: 'STRUCT(errorCode BIGINT)',
  ipAddress: 'VARCHAR',
  appliedConditionalAccessPolicies: 'STRUCT(id VARCHAR, displayName VARCHAR, result VARCHAR)[]',
};

// columnRef returns how the query reads a column: as declared
// ("declared"), cast to its declared type from the type DuckDB detected
// ("cast": IDs come out as UUID, times as naive TIMESTAMP), or as NULL when
// the export lacks it ("missing").
function columnRef(name, mode) {
  switch (mode) {
    case 'declared': return `"${name}"`;
    case 'cast': return `CAST("${name}" AS ${jsonColumns[name]})`;
    default: return `NULL::${jsonColumns[name]}`;
  }
}

// jsonQuery selects the matched sign-ins of a Graph JSON export (JSONL or a
// top-level array). detected is null with --schema columns, else the set of
// column names DuckDB detected.
function jsonQuery(o, detected) {
  const format = o.format === 'jsonl' ? 'newline_delimited' : 'array';
  const from = detected
    ? `read_json(${lit(o.path)}, format = '${format}')`
    : `read_json(${lit(o.path)}, format = '${format}', columns = {${Object.entries(jsonColumns)
      .map(([k, t]) => `${k}: '${t}'`).join(', ')}})`;
  const c = {};
  for (const name of Object.keys(jsonColumns)) {
    c[name] = columnRef(name, !detected ? 'declared' : detected.has(name) ? 'cast' : 'missing');
  }
  let code = `"status".errorCode`;
  if (detected) {
    code = detected.has('status') ? `TRY_CAST("status".errorCode AS BIGINT)` : 'NULL::BIGINT';
  }
  // Policies keep only the fields the answer reads, as text.
  if (detected && detected.has('appliedConditionalAccessPolicies')) {
    c.appliedConditionalAccessPolicies = `list_transform("appliedConditionalAccessPolicies",
      p -> {'id': p.id::VARCHAR, 'displayName': p.displayName::VARCHAR, 'result': p.result::VARCHAR})`;
  }
  const user = [c.userPrincipalName, c.userId, c.userDisplayName, c.servicePrincipalName, c.servicePrincipalId]
    .map((e) => eqAny(e, [o.user.toLowerCase()])).join(' OR ');
  const app = [c.appId, c.appDisplayName, c.resourceId, c.resourceDisplayName]
    .map((e) => eqAny(e, o.app)).join(' OR ');
  // parse.FlowFromEventTypes: the first known event type wins; then
  // isInteractive; a service principal ID without a user says service
  // principal.
  const eventFlow = `list_filter(list_transform(coalesce(${c.signInEventTypes}, []), t -> CASE ${normKey('t')}
        WHEN 'interactiveuser' THEN 'interactive' WHEN 'interactive' THEN 'interactive'
        WHEN 'noninteractiveuser' THEN 'non-interactive' WHEN 'noninteractive' THEN 'non-interactive'
        WHEN 'serviceprincipal' THEN 'service-principal' WHEN 'managedidentity' THEN 'managed-identity' END),
      f -> f IS NOT NULL)[1]`;
  const spEvidence = `(coalesce(${c.servicePrincipalId}, '') <> '' AND coalesce(${c.userId}, '') = '' AND coalesce(${c.userPrincipalName}, '') = '')`;
  const flow = `coalesce(${eventFlow},
      CASE WHEN ${c.isInteractive} THEN 'interactive'
           WHEN NOT ${c.isInteractive} THEN CASE WHEN ${spEvidence} THEN 'service-principal' ELSE 'non-interactive' END END,
      CASE WHEN ${spEvidence} THEN 'service-principal' END)`;
  return `
    SELECT ${c.ipAddress} AS ip, ${c.appliedConditionalAccessPolicies} AS policies
    FROM ${from}
    WHERE (${user})
      AND (${o.app.length ? app : 'true'})
      AND (${o.flow === 'any' ? 'true' : `coalesce(${flow}, '') IN (${lit(o.flow)}, '')`})
      AND ${c.createdDateTime} >= ${lit(o.since)}::TIMESTAMPTZ AND ${c.createdDateTime} < ${lit(o.until)}::TIMESTAMPTZ
      AND (${o.status === 'failure' ? `coalesce(${code}, 0) <> 0` : 'true'})`;
}

// csvQuery selects the matched sign-ins of an Entra portal CSV. A portal
// CSV has no per-policy detail, so policies is always empty; its flow comes
// from the file name (parse.FlowFromFileName) unless the Managed Identity
// type column says otherwise, and failure from the Status word and error
// code (parse's portalStatusResult).
function csvQuery(o) {
  // With a detected schema IDs may be UUIDs and codes numbers: read text.
  const v = (name) => (o.schema === 'auto' ? `CAST("${name}" AS VARCHAR)` : `"${name}"`);
  const user = ['Username', 'User ID', 'User'].map((c) => eqAny(v(c), [o.user.toLowerCase()])).join(' OR ');
  const app = ['Application ID', 'Application', 'Resource ID', 'Resource']
    .map((c) => eqAny(v(c), o.app)).join(' OR ');
  const base = `lower(regexp_extract(filename, '[^/\\\\!]*$'))`;
  const flow = `CASE
      WHEN ${normKey(`coalesce(${v('Managed Identity type')}, '')`)} NOT IN ('', 'none') THEN 'managed-identity'
      WHEN starts_with(${base}, 'noninteractivesignins') THEN 'non-interactive'
      WHEN starts_with(${base}, 'interactivesignins') THEN 'interactive'
      WHEN starts_with(${base}, 'applicationsignins') OR starts_with(${base}, 'serviceprincipalsignins') THEN 'service-principal'
      WHEN starts_with(${base}, 'msisignins') OR starts_with(${base}, 'managedidentitysignins') THEN 'managed-identity'
      ELSE '' END`;
  const code = `coalesce(TRY_CAST(nullif(trim(${v('Sign-in error code')}), '') AS BIGINT), 0)`;
  const word = `lower(trim(coalesce(${v('Status')}, '')))`;
  const failed = `CASE WHEN ${word} = 'success' THEN ${code} <> 0
                       WHEN ${word} IN ('failure', 'interrupted') THEN true
                       ELSE ${code} <> 0 END`;
  return `
    SELECT ${v('IP address')} AS ip, []::STRUCT(id VARCHAR, displayName VARCHAR, result VARCHAR)[] AS policies
    FROM read_csv(${lit(o.path)}, header = true, filename = true${o.schema === 'auto' ? '' : ', all_varchar = true'})
    WHERE (${user})
      AND (${o.app.length ? app : 'true'})
      AND (${o.flow === 'any' ? 'true' : `${flow} IN (${lit(o.flow)}, '')`})
      AND CAST("Date (UTC)" AS TIMESTAMPTZ) >= ${lit(o.since)}::TIMESTAMPTZ
      AND CAST("Date (UTC)" AS TIMESTAMPTZ) < ${lit(o.until)}::TIMESTAMPTZ
      AND (${o.status === 'failure' ? failed : 'true'})`;
}

async function main() {
  if (process.argv[2] === '--version') {
    const db = await DuckDBInstance.create(':memory:');
    const reader = await (await db.connect()).runAndReadAll('SELECT version()');
    process.stdout.write(`${reader.getRows()[0][0]}\n`);
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`SET TimeZone = 'UTC'`);
  let detected = null;
  if (o.schema === 'auto' && o.format !== 'csv') {
    const format = o.format === 'jsonl' ? 'newline_delimited' : 'array';
    const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_json(${lit(o.path)}, format = '${format}')`);
    detected = new Set(desc.getRows().map((r) => r[0]));
  }
  const matched = o.format === 'csv' ? csvQuery(o) : jsonQuery(o, detected);
  // Materialized: the three answers read the file once.
  const sql = `
    WITH m AS MATERIALIZED (${matched})
    SELECT 'matched' AS kind, '-' AS key, count(*) AS n FROM m
    UNION ALL
    SELECT 'policy', coalesce(nullif(p.displayName, ''), p.id), count(*)
      FROM (SELECT unnest(policies) AS p FROM m) WHERE p.result = 'failure' GROUP BY 2
    UNION ALL
    SELECT 'ip', coalesce(nullif(ip, ''), '(none)'), count(*) FROM m GROUP BY 2`;
  const reader = await con.runAndReadAll(sql);
  const lines = reader.getRows().map(([kind, key, n]) => `${kind}\t${key}\t${n}`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`duckdb-query: ${err.message}\n`);
  process.exit(1);
});
