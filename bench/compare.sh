#!/usr/bin/env bash
# compare.sh runs the benchmark query of issue 6 against signinspect, DuckDB
# and jq on generated exports, checks that every tool gives exactly the same
# answer, and prints a table of MB/s, records/s and peak memory.
#
# The query: one user (megan.bowen@contoso.com), Azure DevOps, non-interactive
# sign-ins, a 48-hour window (2025-11-17T00:00:00Z <= t < 2025-11-19T00:00:00Z),
# failures only; the answer is the number of sign-ins matched, the failures
# by failing Conditional Access policy, and the failures by IP address. See
# bench/README.md for the semantics each tool implements and how to read the
# figures.
#
# Usage: bench/compare.sh [options]
#   --records N        sign-ins in the generated stream (default 1000000)
#   --seed S           generator seed (default 1)
#   --data DIR         where the exports are generated and kept (default bench-data/)
#   --cases LIST       comma-separated, from: jsonl, json, csv, split, all
#                      (default jsonl,json,csv,split,all)
#                        jsonl  the query on one JSONL file
#                        json   ... on one portal JSON download (indented array)
#                        csv    ... on one portal non-interactive CSV download
#                        split  ... on a folder of --split-files JSONL files
#                        all    signinspect keeping every record (--app any
#                               --flow any, full report) on the JSONL file
#   --split-files N    files in the split folder (default 1000)
#   --runs N           runs per measurement; the fastest is reported (default 1)
#   --no-duckdb        do not run DuckDB
#   --duckdb-schema S  columns: give DuckDB the columns the query reads (the
#                      fast way to write the query); auto: let it detect the
#                      schema (a first query at the prompt); both (default)
#   --no-jq            do not run jq
#   --jq-portal-json   also run jq on the portal JSON download; jq holds the
#                      whole array in memory (about 4.6 times the file: 17.6 GB
#                      for 1,000,000 records), so it is off by default
#   --keep-reports     keep each tool's raw output under DIR/out/
#   --signinspect BIN  measure this signinspect binary instead of building
#                      ./cmd/signinspect from the working tree
#
# Needs: go, node and npm (DuckDB), GNU time (/usr/bin/time; Debian package
# "time"), and jq if it is to be compared. DuckDB (@duckdb/node-api, pinned
# in bench/package-lock.json) is installed into bench/node_modules on first
# use. Exit status: 0 when every answer agrees, 1 when one differs or a tool
# fails, 2 on a usage error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"

RECORDS=1000000
SEED=1
DATA="$ROOT/bench-data"
CASES="jsonl,json,csv,split,all"
SPLIT_FILES=1000
RUNS=1
USE_DUCKDB=1
DUCKDB_SCHEMAS=(columns auto)
USE_JQ=1
JQ_PORTAL_JSON=0
KEEP=0
SI_BIN=""

# The query. APP_ALIASES are the lower-case names and ID that --app "Azure
# DevOps" matches in signinspect (analyze/apps.go).
Q_USER="megan.bowen@contoso.com"
Q_APP="Azure DevOps"
APP_ALIASES=("499b84ac-1321-427f-aa17-267ca6975798" "azure devops")
Q_FLOW="non-interactive"
Q_SINCE="2025-11-17T00:00:00Z"
Q_UNTIL="2025-11-19T00:00:00Z"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

die() {
	echo "compare.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--records) RECORDS=${2:?--records wants a number}; shift 2 ;;
	--seed) SEED=${2:?--seed wants a number}; shift 2 ;;
	--data) DATA=${2:?--data wants a folder}; shift 2 ;;
	--cases) CASES=${2:?--cases wants a list}; shift 2 ;;
	--split-files) SPLIT_FILES=${2:?--split-files wants a number}; shift 2 ;;
	--runs) RUNS=${2:?--runs wants a number}; shift 2 ;;
	--no-duckdb) USE_DUCKDB=0; shift ;;
	--duckdb-schema)
		case "${2:-}" in
		columns | auto) DUCKDB_SCHEMAS=("$2") ;;
		both) DUCKDB_SCHEMAS=(columns auto) ;;
		*) echo "compare.sh: --duckdb-schema wants columns, auto or both" >&2; exit 2 ;;
		esac
		shift 2 ;;
	--no-jq) USE_JQ=0; shift ;;
	--jq-portal-json) JQ_PORTAL_JSON=1; shift ;;
	--keep-reports) KEEP=1; shift ;;
	--signinspect) SI_BIN=${2:?--signinspect wants a binary}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
for n in "$RECORDS" "$SEED" "$SPLIT_FILES" "$RUNS"; do
	[[ "$n" =~ ^[0-9]+$ ]] || { echo "compare.sh: $n is not a number" >&2; exit 2; }
done
[ "$RUNS" -ge 1 ] || { echo "compare.sh: --runs must be 1 or more" >&2; exit 2; }
IFS=, read -r -a CASE_LIST <<<"$CASES"
for c in "${CASE_LIST[@]}"; do
	case "$c" in
	jsonl | json | csv | split | all) ;;
	*) echo "compare.sh: unknown case $c (want jsonl, json, csv, split, all)" >&2; exit 2 ;;
	esac
done
has_case() {
	local c
	for c in "${CASE_LIST[@]}"; do [ "$c" = "$1" ] && return 0; done
	return 1
}

# --- tools -------------------------------------------------------------------

[ -x /usr/bin/time ] && /usr/bin/time -f '%M' true 2>/dev/null ||
	die "GNU time is needed for peak memory (/usr/bin/time; apt-get install time)"
command -v go >/dev/null || die "go is not installed"
command -v node >/dev/null || die "node is needed to read the reports (and to run DuckDB)"
if [ "$USE_JQ" = 1 ] && ! command -v jq >/dev/null; then
	echo "compare.sh: jq is not installed; leaving it out (apt-get install jq)" >&2
	USE_JQ=0
fi
if [ "$USE_DUCKDB" = 1 ] && [ ! -d "$BENCH/node_modules/@duckdb/node-api" ]; then
	command -v npm >/dev/null || die "npm is needed to install DuckDB (or pass --no-duckdb)"
	echo "compare.sh: installing @duckdb/node-api into bench/node_modules" >&2
	(cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
		die "npm ci failed (pass --no-duckdb to run without DuckDB)"
fi

mkdir -p "$DATA/bin" "$DATA/out"
DATA=$(cd "$DATA" && pwd)
SI="$DATA/bin/signinspect"
GEN="$DATA/bin/benchgen"
echo "compare.sh: building the generator${SI_BIN:+ (signinspect: $SI_BIN)}" >&2
(cd "$ROOT" && go build -o "$GEN" ./internal/benchgen) || die "go build failed"
if [ -n "$SI_BIN" ]; then
	[ -x "$SI_BIN" ] || die "$SI_BIN is not an executable"
	SI=$(cd "$(dirname "$SI_BIN")" && pwd)/$(basename "$SI_BIN")
	SI_VERSION="$SI_BIN"
else
	echo "compare.sh: building signinspect" >&2
	(cd "$ROOT" && go build -o "$SI" ./cmd/signinspect) || die "go build failed"
	SI_VERSION="$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/signinspect-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- data --------------------------------------------------------------------

STEM="signins-$RECORDS-s$SEED"
F_JSONL="$DATA/$STEM.jsonl"
F_JSON="$DATA/$STEM.json"
# Only the file name tells a portal CSV's flow: keep the portal's prefix.
F_CSV="$DATA/NonInteractiveSignIns_$RECORDS-s$SEED.csv"
D_SPLIT="$DATA/$STEM-jsonl-x$SPLIT_FILES"

# generate FORMAT PATH [extra benchgen flags]: writes the export unless it
# exists, and records its sign-in count in PATH.records.
generate() {
	local format=$1 path=$2
	shift 2
	if [ ! -e "$path" ] || [ ! -s "$path.records" ]; then
		rm -rf "$path" "$path.records"
		"$GEN" -format "$format" -records "$RECORDS" -seed "$SEED" -out "$path" "$@" 2>"$WORK/gen.err" ||
			{ cat "$WORK/gen.err" >&2; die "generating $path failed"; }
		cat "$WORK/gen.err" >&2
		sed -n 's/.*: \([0-9][0-9]*\) of [0-9][0-9]* sign-ins.*/\1/p' "$WORK/gen.err" >"$path.records"
	fi
}

has_case jsonl || has_case all && generate jsonl "$F_JSONL"
has_case json && generate portal-json "$F_JSON"
has_case csv && generate portal-csv "$F_CSV"
has_case split && generate jsonl "$D_SPLIT" -split "$SPLIT_FILES"

# bytes_of sums the sizes of the regular files of a file or folder.
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ n += $1 } END { printf "%.0f", n }'; }
records_of() { cat "$1.records"; }

# warm reads an input into the page cache, so that every tool starts warm.
warm() {
	if [ -d "$1" ]; then
		find "$1" -type f -exec cat {} + >/dev/null
	else
		cat "$1" >/dev/null
	fi
}

# --- measuring ---------------------------------------------------------------

# measure OUT CMD...: runs CMD --runs times with its standard output into
# OUT, warm, and sets SECS (fastest run) and RSS_MB (its peak resident set).
# A failing command is reported and sets SECS to "".
measure() {
	local out=$1
	shift
	SECS=""
	RSS_MB=""
	local i t0 t1 secs rss
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		if ! /usr/bin/time -f '%M' -o "$WORK/time" "$@" >"$out" 2>"$WORK/stderr"; then
			echo "compare.sh: failed: $*" >&2
			sed 's/^/  | /' "$WORK/stderr" | tail -20 >&2
			SECS=""
			return 1
		fi
		t1=$EPOCHREALTIME
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		rss=$(tail -n 1 "$WORK/time")
		if [ -z "$SECS" ] || awk -v a="$secs" -v b="$SECS" 'BEGIN { exit !(a < b) }'; then
			SECS=$secs
			RSS_MB=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
		fi
	done
}

ROWS=()   # Table rows: case|tool|MB/s|records/s|RSS|seconds|answer
FAILED=0

# row CASE TOOL INPUT ANSWER-STATE: adds a table row from SECS and RSS_MB.
row() {
	local case=$1 tool=$2 input=$3 state=$4 bytes recs mbs rps
	bytes=$(bytes_of "$input")
	recs=$(records_of "$input")
	if [ -z "$SECS" ]; then
		ROWS+=("$case|$tool|failed|||||")
		FAILED=1
		return
	fi
	mbs=$(awk -v b="$bytes" -v s="$SECS" 'BEGIN { printf "%.0f", b / 1e6 / s }')
	rps=$(awk -v r="$recs" -v s="$SECS" 'BEGIN { printf "%.0f", r / s }')
	ROWS+=("$case|$tool|$mbs|$rps|$RSS_MB|$SECS|$state")
}

# The reference answer is signinspect's on the first case run; the others
# are diffed against it. A portal CSV carries no per-policy detail, so its
# answers are diffed without the policy lines.
REF=""
REF_NAME=""

# check NAME ANSWER-FILE CASE: compares an answer with the reference and
# sets STATE for the table: "reference", "same" or "DIFFERS".
check() {
	local name=$1 answer=$2 case=$3 ref
	if [ -z "$REF" ]; then
		REF="$WORK/reference.txt"
		cp "$answer" "$REF"
		REF_NAME=$name
		STATE="reference"
		return
	fi
	ref="$REF"
	if [ "$case" = csv ] || [[ "$REF_NAME" == *csv* ]]; then
		ref="$WORK/reference-nopolicy.txt"
		grep -v '^policy	' "$REF" >"$ref" || true
		grep -v '^policy	' "$answer" >"$WORK/answer-nopolicy.txt" || true
		answer="$WORK/answer-nopolicy.txt"
	fi
	if diff -u --label "$REF_NAME" --label "$name" "$ref" "$answer" >"$WORK/diff"; then
		STATE="same"
	else
		echo "compare.sh: $name's answer differs from $REF_NAME's:" >&2
		cat "$WORK/diff" >&2
		FAILED=1
		STATE="DIFFERS"
	fi
}

sorted() { LC_ALL=C sort "$1" >"$1.sorted" && mv "$1.sorted" "$1"; }

# run_signinspect CASE INPUT
run_signinspect() {
	local case=$1 input=$2 out="$WORK/si-$1.json" ans="$WORK/si-$1.txt" summary
	warm "$input"
	if measure "$out" "$SI" analyze "$input" --user "$Q_USER" --app "$Q_APP" --flow "$Q_FLOW" \
		--since "$Q_SINCE" --until "$Q_UNTIL" --status failure --top 0 -o json --no-color; then
		node "$BENCH/report-answer.mjs" "$out" >"$ans" || SECS=""
		summary=$(node "$BENCH/report-answer.mjs" --summary "$out")
		read -r s_read s_matched s_skipped <<<"$summary"
		if [ "$s_read" != "$(records_of "$input")" ] || [ "$s_skipped" != 0 ]; then
			echo "compare.sh: signinspect read $s_read records of $(records_of "$input") and skipped $s_skipped in $input" >&2
			FAILED=1
		fi
		[ "$KEEP" = 1 ] && cp "$out" "$DATA/out/signinspect-$case.json"
	fi
	local state=""
	[ -n "$SECS" ] && { sorted "$ans"; check "signinspect/$case" "$ans" "$case"; state=$STATE; }
	row "$case" signinspect "$input" "$state"
}

# run_duckdb CASE INPUT FORMAT [PATH-GLOB]: once per --duckdb-schema.
run_duckdb() {
	local case=$1 input=$2 format=$3 path=${4:-$2} args=() a schema ans label
	for a in "${APP_ALIASES[@]}"; do args+=(--app "$a"); done
	for schema in "${DUCKDB_SCHEMAS[@]}"; do
		ans="$WORK/duckdb-$schema-$case.txt"
		label="DuckDB (declared columns)"
		[ "$schema" = auto ] && label="DuckDB (detected schema)"
		warm "$input"
		measure "$ans" node "$BENCH/duckdb-query.mjs" --schema "$schema" --format "$format" --user "$Q_USER" "${args[@]}" \
			--flow "$Q_FLOW" --since "$Q_SINCE" --until "$Q_UNTIL" --status failure "$path" || true
		local state=""
		[ -n "$SECS" ] && { sorted "$ans"; check "duckdb-$schema/$case" "$ans" "$case"; state=$STATE; }
		[ "$KEEP" = 1 ] && [ -n "$SECS" ] && cp "$ans" "$DATA/out/duckdb-$schema-$case.txt"
		row "$case" "$label" "$input" "$state"
	done
}

# run_jq CASE INPUT FILE...
run_jq() {
	local case=$1 input=$2 ans="$WORK/jq-$1.txt" apps
	shift 2
	apps=$(printf '%s\n' "${APP_ALIASES[@]}" | jq -R . | jq -s -c .)
	warm "$input"
	measure "$ans" jq -n -r --arg user "$Q_USER" --argjson apps "$apps" --arg flow "$Q_FLOW" \
		--arg since "$Q_SINCE" --arg until "$Q_UNTIL" -f "$BENCH/query.jq" "$@" || true
	local state=""
	[ -n "$SECS" ] && { sorted "$ans"; check "jq/$case" "$ans" "$case"; state=$STATE; }
	row "$case" "jq" "$input" "$state"
}

# run_cat CASE INPUT: the floor, reading the input and nothing else.
run_cat() {
	warm "$2"
	if [ -d "$2" ]; then
		measure /dev/null find "$2" -type f -exec cat {} + || true
	else
		measure /dev/null cat "$2" || true
	fi
	row "$1" "cat > /dev/null (floor)" "$2" ""
}

# run_everything: signinspect keeping every record, full report, on JSONL.
run_everything() {
	local out="$WORK/si-all.json" summary
	warm "$F_JSONL"
	if measure "$out" "$SI" analyze "$F_JSONL" --app any --flow any -o json --no-color; then
		summary=$(node "$BENCH/report-answer.mjs" --summary "$out")
		read -r s_read s_matched s_skipped <<<"$summary"
		if [ "$s_read" != "$(records_of "$F_JSONL")" ] || [ "$s_matched" != "$s_read" ] || [ "$s_skipped" != 0 ]; then
			echo "compare.sh: keeping every record, signinspect read $s_read, matched $s_matched, skipped $s_skipped of $(records_of "$F_JSONL")" >&2
			FAILED=1
		fi
		[ "$KEEP" = 1 ] && cp "$out" "$DATA/out/signinspect-all.json"
	fi
	local state=""
	[ -n "$SECS" ] && state="read $s_read, matched $s_matched"
	row "all records (JSONL)" signinspect "$F_JSONL" "$state"
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "compare.sh: running the query (runs per measurement: $RUNS; load average $LOAD)" >&2
if has_case jsonl; then
	run_cat jsonl "$F_JSONL"
	run_signinspect jsonl "$F_JSONL"
	[ "$USE_DUCKDB" = 1 ] && run_duckdb jsonl "$F_JSONL" jsonl
	[ "$USE_JQ" = 1 ] && run_jq jsonl "$F_JSONL" "$F_JSONL"
fi
if has_case json; then
	run_cat "portal JSON" "$F_JSON"
	run_signinspect json "$F_JSON"
	[ "$USE_DUCKDB" = 1 ] && run_duckdb json "$F_JSON" json
	[ "$USE_JQ" = 1 ] && [ "$JQ_PORTAL_JSON" = 1 ] && run_jq json "$F_JSON" "$F_JSON"
fi
if has_case csv; then
	run_cat "portal CSV" "$F_CSV"
	run_signinspect csv "$F_CSV"
	[ "$USE_DUCKDB" = 1 ] && run_duckdb csv "$F_CSV" csv
fi
if has_case split; then
	run_cat "split" "$D_SPLIT"
	run_signinspect split "$D_SPLIT"
	[ "$USE_DUCKDB" = 1 ] && run_duckdb split "$D_SPLIT" jsonl "$D_SPLIT/*.jsonl"
	if [ "$USE_JQ" = 1 ]; then
		mapfile -t split_files < <(find "$D_SPLIT" -type f -name '*.jsonl' | LC_ALL=C sort)
		run_jq split "$D_SPLIT" "${split_files[@]}"
	fi
fi
has_case all && run_everything

# --- report ------------------------------------------------------------------

case_name() {
	case "$1" in
	jsonl) echo "JSONL" ;;
	json) echo "portal JSON" ;;
	csv) echo "portal CSV" ;;
	split) echo "$SPLIT_FILES JSONL files" ;;
	*) echo "$1" ;;
	esac
}
input_desc() {
	local p=$1
	printf '%s: %s bytes, %s records' "${p#"$DATA"/}" "$(bytes_of "$p")" "$(records_of "$p")"
}

echo
echo "signinspect $SI_VERSION on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$(go version | cut -d' ' -f3), $([ "$USE_DUCKDB" = 1 ] && echo "DuckDB $(node "$BENCH/duckdb-query.mjs" --version)," || true) $([ "$USE_JQ" = 1 ] && jq --version || true); load average before the run: $LOAD"
echo "query: --user $Q_USER --app \"$Q_APP\" --flow $Q_FLOW --since $Q_SINCE --until $Q_UNTIL --status failure"
for p in "$F_JSONL" "$F_JSON" "$F_CSV" "$D_SPLIT"; do
	[ -e "$p" ] && [ -s "$p.records" ] && echo "  $(input_desc "$p")"
done
echo
printf '| %-22s | %-26s | %7s | %11s | %9s | %8s | %-22s |\n' input tool MB/s records/s "peak RSS" seconds answer
echo "|------------------------|----------------------------|--------:|------------:|----------:|---------:|------------------------|"
for r in "${ROWS[@]}"; do
	IFS='|' read -r c tool mbs rps rss secs state <<<"$r"
	[ -n "$rss" ] && rss="$rss MB"
	printf '| %-22s | %-26s | %7s | %11s | %9s | %8s | %-22s |\n' "$(case_name "$c")" "$tool" "$mbs" "$rps" "$rss" "$secs" "$state"
done
if [ -n "$REF" ]; then
	echo
	echo "answer ($REF_NAME): $(awk -F'\t' '$1 == "matched" { print $3 " sign-ins matched" }' "$REF"), $(grep -c '^policy	' "$REF" || true) failing policies, $(grep -c '^ip	' "$REF" || true) IPs"
	awk -F'\t' '$1 == "policy" { printf "  %6d  %s\n", $3, $2 }' "$REF" | sort -rn
fi
if [ "$FAILED" != 0 ]; then
	echo
	echo "compare.sh: some answers differ or a tool failed (see above)" >&2
	exit 1
fi
