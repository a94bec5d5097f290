# scaffold groups identical to RDKit MurckoScaffoldSmiles(includeChirality=False) on BBBP + ESOL
need_data moleculenet/bbbp.csv moleculenet/delaney.csv
need_cmd conformer-ingest
need_py rdkit
for s in bbbp:bbbp.csv:smiles esol:delaney.csv:smiles; do
    IFS=: read -r name file col <<<"$s"
    conformer-ingest -q "$MB_DATA/moleculenet/$file" | split --scaffold --groups $name.tsv > /dev/null 2>/dev/null
    /usr/bin/python3 "$MB_ROOT/tests/bench/scaffold-vs-rdkit.py" $name $name.tsv "$MB_DATA/moleculenet/$file" $col > row.txt
    cat row.txt
    # "| name | n | a / b | same (pct%) | rand | ari | split% |": every molecule's group identical
    awk -F'|' '{ split($5, a, " "); if (a[1] != $3 + 0) exit 1 }' row.txt ||
        fail "$name: scaffold groups differ from RDKit: $(cat row.txt)"
done
