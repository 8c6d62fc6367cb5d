# query.jq: the benchmark query of compare.sh in jq, over Graph sign-in
# objects: JSONL, or a portal JSON download's top-level array (which jq
# holds in memory whole). It follows signinspect's filter semantics, as
# duckdb-query.mjs does, and prints the answer in the same normalized form:
# "matched\t-\tN", then "policy\tNAME\tN" and "ip\tIP\tN" lines
# (unsorted).
#
# Arguments: --arg user U --argjson apps '["azure devops","499b…"]'
#            --arg flow non-interactive --arg since RFC3339 --arg until RFC3339
# jq 1.6's ascii_downcase folds ASCII only, and fromdateiso8601 reads
# whole-second UTC times only (as the generator writes them).

# eqany: the value is a string equal to one of the lower-case $wanted,
# ignoring (ASCII) case; empty never matches. The length test first spares
# most values ascii_downcase, which is slow in jq 1.6.
def eqany($wanted):
  strings | select(. != "") | length as $n
  | any($wanted[]; length == $n) and (ascii_downcase as $l | any($wanted[]; . == $l));
def lc: if type == "string" then ascii_downcase else "" end;
def normkey: lc | gsub("[ \t_\u00a0-]"; "");
def eventflow:
  [ (.signInEventTypes // [])[] | normkey
    | if . == "interactiveuser" or . == "interactive" then "interactive"
      elif . == "noninteractiveuser" or . == "noninteractive" then "non-interactive"
      elif . == "serviceprincipal" then "service-principal"
      elif . == "managedidentity" then "managed-identity"
      else empty end ] | first // null;
def spevidence: (.servicePrincipalId // "") != "" and (.userId // "") == "" and (.userPrincipalName // "") == "";
def flow:
  eventflow // (if .isInteractive == true then "interactive"
                elif .isInteractive == false then (if spevidence then "service-principal" else "non-interactive" end)
                elif spevidence then "service-principal" else "" end);

($user | ascii_downcase) as $u
| ($since | fromdateiso8601) as $t0
| ($until | fromdateiso8601) as $t1
| reduce (inputs | if type == "array" then .[] else . end
    | select(any((.userPrincipalName, .userId, .userDisplayName, .servicePrincipalName, .servicePrincipalId) | eqany([$u]); .))
    | select(($apps | length) == 0 or any((.appId, .appDisplayName, .resourceId, .resourceDisplayName) | eqany($apps); .))
    | select($flow == "any" or (flow | . == $flow or . == ""))
    | select((.createdDateTime | fromdateiso8601) as $t | $t >= $t0 and $t < $t1)
    | select((.status.errorCode // 0) != 0)
  ) as $r
  ({matched: 0, policies: {}, ips: {}};
   .matched += 1
   | reduce ($r.appliedConditionalAccessPolicies // [] | .[] | select(.result == "failure")
             | (if (.displayName // "") != "" then .displayName else .id end)) as $p
       (.; .policies[$p] += 1)
   | .ips[($r.ipAddress // "") | if . == "" then "(none)" else . end] += 1)
| "matched\t-\t\(.matched)",
  (.policies | to_entries[] | "policy\t\(.key)\t\(.value)"),
  (.ips | to_entries[] | "ip\t\(.key)\t\(.value)")
