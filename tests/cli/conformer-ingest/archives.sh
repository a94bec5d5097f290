# archives, compressed files and stdin give the same records as the plain files (src aside);
# member names are "archive:member"; directories skipped
g=$(fixture good/ingest)
mkdir -p d/sub
cp "$g"/mols.sdf d/ && cp "$g"/mols.smi d/sub/ && cp "$g"/mols.csv d/
cp "$g"/mols.sdf d/noext                       # SDF content without extension: read
echo 'not molecules' > d/README                # no extension, no SDF/XYZ content: skipped
cp "$g"/mols.sdf d/._mols.sdf                  # macOS resource fork name: skipped
strip() { mpk2json --no-header "$1" | sed 's/"src":"[^"]*",//'; }
conformer-ingest d/mols.sdf d/sub/mols.smi d/mols.csv d/noext > plain.mpk 2> /dev/null
strip plain.mpk | sort > plain.txt
[ "$(wc -l < plain.txt)" -eq 16 ] || fail "expected 16 records from the plain files"
n=0
for kind in tar tgz tbz txz tzst zip; do
    case $kind in
    tar) tar cf a.$kind d ;;
    tgz) command -v gzip > /dev/null || continue; tar czf a.$kind d ;;
    tbz) command -v bzip2 > /dev/null || continue; tar cjf a.$kind d ;;
    txz) command -v xz > /dev/null || continue; tar cJf a.$kind d ;;
    tzst) command -v zstd > /dev/null || continue; tar cf - d | zstd -q -c > a.$kind ;;
    zip) command -v zip > /dev/null || continue; zip -q -r a.$kind d ;;
    esac
    conformer-ingest a.$kind > a.mpk 2> err.txt
    grep_q 'read 16, written 16, rejected 0' err.txt
    grep_q "warning: a.$kind:d/README: skipped, not a molecule file" err.txt
    strip a.mpk | sort > a.txt
    cmp plain.txt a.txt || fail "$kind: records differ from the plain files"
    mpk2json a.mpk > j.txt
    grep_q "\"src\":\"a.$kind:d/sub/mols.smi\",\"rec\":4," j.txt
    n=$((n + 1))
done
[ $n -ge 1 ] || skip "no archivers"
# single compressed files: detection by content/extension under the compression suffix
for c in gzip bzip2 xz zstd; do
    command -v $c > /dev/null || continue
    $c -c d/mols.sdf > m.sdf.z; $c -c d/mols.csv > m.csv.z
    conformer-ingest m.sdf.z m.csv.z > c.mpk 2> err.txt
    grep_q 'read 7, written 7, rejected 0' err.txt
    mpk2json c.mpk > j.txt
    grep_q '"src":"m.sdf.z","rec":3,' j.txt
done
# stdin: plain, compressed, "-" among files
conformer-ingest < d/mols.sdf > s.mpk 2> /dev/null
strip plain.mpk > plain-order.txt
[ "$(strip s.mpk)" = "$(head -n 4 plain-order.txt)" ] || fail "stdin differs"
mpk2json s.mpk > j.txt
grep_q '"src":"<stdin>"' j.txt
if command -v gzip > /dev/null; then
    gzip -c d/mols.csv | conformer-ingest --format csv - > s.mpk 2> err.txt
    grep_q 'read 3, written 3, rejected 0' err.txt
fi
# --zstd output reads back the same
conformer-ingest --zstd d/mols.sdf > z.mpk 2> /dev/null
[ "$(head -c 4 z.mpk | od -An -tx1 | tr -d ' ')" = "28b52ffd" ] || fail "--zstd did not compress"
[ "$(strip z.mpk)" = "$(head -n 4 plain-order.txt)" ] || fail "--zstd records differ"
# a tar of compressed files (one level of nesting)
if command -v gzip > /dev/null; then
    mkdir -p gz && gzip -c d/mols.sdf > gz/m.sdf.gz && gzip -c d/mols.csv > gz/m.csv.gz
    tar cf gz.tar gz
    conformer-ingest gz.tar > g.mpk 2> err.txt
    grep_q 'read 7, written 7, rejected 0' err.txt
    mpk2json g.mpk > j.txt
    grep_q '"src":"gz.tar:gz/m.csv.gz","rec":2,' j.txt
fi
