# preprocess -n: one file ingested once, split into 3 shards, relation-build per shard in
# parallel; the shards together hold every molecule exactly once; nothing is written outside -o.
need_cmd parallel zstd jq
sdf=$(fixture good/pipelines/bzr40.sdf)
"$MB_ROOT/pipelines/preprocess" -n 3 -o out "$sdf" 2>err.txt || { cat err.txt; fail "preprocess -n 3"; }
[ "$(ls out/*.rel.mpk.zst | wc -l)" -eq 3 ] || fail "expected 3 shards"
[ ! -e out/.ingest ] || fail "temporary shard dir left behind"
mpk2json --no-header out/*.rel.mpk.zst | jq -r .id | sort > got.txt
conformer-ingest -q "$sdf" | mpk2json --no-header | jq -r .id | sort > want.txt
diff -u want.txt got.txt || fail "shards do not partition the input"
mpk2json --no-header out/*.rel.mpk.zst | jq -e 'has("spd") and has("af")' >/dev/null || fail "no relations"
