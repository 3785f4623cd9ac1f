#!/usr/bin/env bash
# The list query's plans on MariaDB at 1,000,000 tokens in one organization (issue 13, "every list
# filter is served by an index"): loads the tables under a prefix of their own with the shipped
# schema files (versions 1 to 3, so the filters' indexes of migration V3 are there), then runs
# ANALYZE FORMAT=JSON on the first page and on the page after row 900,000, unfiltered, "inactive
# only" and one environment, and prints each plan's key lines and time. The unfiltered pages run
# twice: as Sql.LIST words them and as MariaDbDialect sends them (Sql.LIST_UNFILTERED, with FORCE
# INDEX on the list index since issue 13); the filtered deep pages also run with that hint once, to
# show why the dialect does not force it there.
#
#   benchmarks/scripts/explain-list-mariadb.sh [DATABASE] [PREFIX]     (defaults: helper_limits, bench_)
#
# Needs the mariadb client, a server on 127.0.0.1:3306 that takes user root without a password
# (MARIADB_ARGS overrides), and the sequence engine (seq_1_to_N, in every MariaDB since 10.0).
# The data: 1,000,000 tokens of organization acme, 1% inactive (every 100th), environments
# production 80%, test 15%, sandbox 5% (every 20th); creation times 1 ms apart.
set -euo pipefail
db=${1:-helper_limits}
prefix=${2:-bench_}
args=${MARIADB_ARGS:--uroot -h127.0.0.1}
here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$here/../../jdbc-store/src/main/resources/io/accesstokens/jdbc
page=51 # a page of 50 and one more, as TokenService.list asks
q() { mariadb $args -N -B "$db" -e "$1"; }

echo "== loading 1,000,000 tokens into ${db}.${prefix}tokens"
sed "s/\${prefix}/$prefix/g" "$sql_dir/schema-drop-mariadb.sql" | mariadb $args "$db"
for f in schema-mariadb.sql migration/V2-mariadb.sql migration/V3-mariadb.sql; do
  sed "s/\${prefix}/$prefix/g" "$sql_dir/$f" | mariadb $args "$db"
done
start=$(date +%s)
q "INSERT INTO ${prefix}tokens (id_key, organization, environment, masked_value, status,
     description, scope, created_at, updated_at, version, digest_key_id, digest)
   SELECT seq * 2654435761, 'acme',
     CASE WHEN seq % 20 = 0 THEN 'sandbox' WHEN seq % 20 < 4 THEN 'test' ELSE 'production' END,
     'atk_', CASE WHEN seq % 100 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END, NULL, 'EDI',
     1764000000000000 + seq * 1000, 1764000000000000 + seq * 1000, 1, 'sha256',
     UNHEX(SHA2(seq, 256))
   FROM seq_1_to_1000000"
q "ANALYZE TABLE ${prefix}tokens" >/dev/null
echo "loaded in $(( $(date +%s) - start )) s: $(q "SELECT COUNT(*) FROM ${prefix}tokens") rows," \
  "$(q "SELECT COUNT(*) FROM ${prefix}tokens WHERE status = 'INACTIVE'") inactive," \
  "$(q "SELECT COUNT(*) FROM ${prefix}tokens WHERE environment = 'sandbox'") in sandbox"

read -r cur_at cur_id < <(q "SELECT created_at, id_key FROM ${prefix}tokens WHERE organization = 'acme'
  ORDER BY created_at, id_key LIMIT 1 OFFSET 899999")
cols="id_key, organization, environment, masked_value, status, description, scope, created_at, updated_at, version, digest_key_id, digest, sealed_key_id, sealed_value"
after="AND created_at >= $cur_at AND (created_at > $cur_at OR id_key > $cur_id)"

force="FORCE INDEX (${prefix}tokens_list_ix)"

explain() { # name, extra WHERE, optional index hint
  local json
  json=$(q "ANALYZE FORMAT=JSON SELECT $cols FROM ${prefix}tokens ${3:-} WHERE organization = 'acme' $2
            ORDER BY created_at, id_key LIMIT $page")
  printf '%-46s' "$1"
  python3 -c '
import json, sys
plan = json.loads(sys.stdin.read().replace("\\n", " "))
def tables(node):
    if isinstance(node, dict):
        if "table_name" in node and "access_type" in node:
            yield node
        for v in node.values():
            yield from tables(v)
    elif isinstance(node, list):
        for v in node:
            yield from tables(v)
q = plan["query_block"]
for t in tables(q):
    print("time %.3f ms  access %s key %s (%s) rows examined %s, sent filesort: %s" % (
        q.get("r_total_time_ms", 0), t.get("access_type"), t.get("key"),
        ",".join(t.get("used_key_parts", [])), t.get("r_rows"),
        "yes" if "filesort" in json.dumps(q) else "no"))
' <<<"$json"
}

for run in 1 2 3; do
  echo "== run $run (times from ANALYZE: the statement as the server ran it)"
  explain "unfiltered, first page" ""
  explain "unfiltered, after row 900,000" "$after"
  explain "unfiltered, first page, FORCE INDEX" "" "$force"
  explain "unfiltered, after row 900,000, FORCE INDEX" "$after" "$force"
  explain "inactive only, first page" "AND status = 'INACTIVE'"
  explain "inactive only, after row 900,000" "AND status = 'INACTIVE' $after"
  explain "sandbox only, first page" "AND environment = 'sandbox'"
  explain "sandbox only, after row 900,000" "AND environment = 'sandbox' $after"
  if [ "$run" != 1 ]; then
    explain "inactive only, first page, FORCE INDEX" "AND status = 'INACTIVE'" "$force"
    explain "inactive only, after 900,000, FORCE INDEX" "AND status = 'INACTIVE' $after" "$force"
    explain "sandbox only, after 900,000, FORCE INDEX" "AND environment = 'sandbox' $after" "$force"
  fi
done
if [ "${KEEP:-}" != 1 ]; then
  sed "s/\${prefix}/$prefix/g" "$sql_dir/schema-drop-mariadb.sql" | mariadb $args "$db"
fi
