# corpus3d: 8 zstd'd SDF shards, 40,000 molecules (corpus3d/COUNT), read directly
# fast record count (mpk-shard -v reports the records it read; mpk2json of 40k records is slow)
nrec() { mpk-shard -v --take 0/1 "$1" 2>&1 >/dev/null | sed -n 's/^mpk-shard: \([0-9]*\) records read.*/\1/p'; }
need_data corpus3d/COUNT
conformer-ingest "$MB_DATA"/corpus3d/*.sdf.zst > out.mpk 2> err.txt || { cat err.txt >&2; fail "corpus3d failed"; }
want=$(cat "$MB_DATA/corpus3d/COUNT")
grep_q "read $want, written $want, rejected 0" err.txt
[ "$(nrec out.mpk)" -eq "$want" ] || fail "record count"
# mpk-shard round trip on real output: 3 shards partition the stream
mpk-shard -n 3 -o 'sh-%d.mpk' out.mpk
t=0
for k in 0 1 2; do t=$((t + $(nrec sh-$k.mpk))); done
[ $t -eq "$want" ] || fail "shards hold $t records"
