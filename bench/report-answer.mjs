// report-answer.mjs prints the answer of a signinspect JSON report
// (analyze -o json --top 0) in the normalized form of duckdb-query.mjs:
//
//   matched  -                          <summary.matched>
//   policy   <policies[].name>          <policies[].failures>   (failures > 0)
//   ip       <locations[].ip>           <locations[].failures>  (failures > 0)
//
// Usage: node report-answer.mjs REPORT.json
// With --summary it prints "read matched skipped" from the report's summary
// instead, for compare.sh's sanity checks.

import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const summary = args[0] === '--summary';
const path = summary ? args[1] : args[0];
if (!path) {
  process.stderr.write('usage: node report-answer.mjs [--summary] REPORT.json\n');
  process.exit(2);
}
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (err) {
  process.stderr.write(`report-answer: ${path}: ${err.message}\n`);
  process.exit(1);
}
if (summary) {
  const s = report.summary;
  process.stdout.write(`${s.read} ${s.matched} ${s.skipped}\n`);
  process.exit(0);
}
if (report.policiesOmitted || report.locationsOmitted) {
  process.stderr.write(`report-answer: ${path}: rows were cut; run analyze with --top 0\n`);
  process.exit(1);
}
const lines = [`matched\t-\t${report.summary.matched}`];
for (const p of report.policies) {
  if (p.failures > 0) lines.push(`policy\t${p.name || p.id}\t${p.failures}`);
}
for (const l of report.locations) {
  if (l.failures > 0) lines.push(`ip\t${l.ip}\t${l.failures}`);
}
process.stdout.write(lines.join('\n') + '\n');
