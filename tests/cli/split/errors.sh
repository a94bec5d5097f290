# usage errors, bad records, write errors
in=$(fixture good/blend/mols.mpk)
expect_code 2 split "$in" > /dev/null 2> err.txt
grep_q 'choose --scaffold or --random' err.txt
expect_code 2 split --scaffold --random "$in" > /dev/null 2> err.txt
expect_code 2 split --scaffold --frac 0.8,0.1 "$in" > /dev/null 2> err.txt
expect_code 2 split --scaffold --frac 0.8,0.3,0.1 "$in" > /dev/null 2> err.txt
split --help > help.txt
grep_q '^usage: split' help.txt
expect_code 1 split --scaffold "$(fixture bad/blend/short-spd.mpk)" > /dev/null 2> err.txt
grep_q "record 1 (id=m1): 'spd' has 5 elements" err.txt
expect_code 1 split --scaffold "$(fixture bad/blend/truncated.mpk)" > /dev/null 2> err.txt
grep_q 'record 1: truncated' err.txt
expect_code 1 split -k -v --scaffold --groups g.tsv "$(fixture bad/blend/short-spd.mpk)" > /dev/null 2> err.txt
grep_q '2 records in, 1 split' err.txt
[ "$(wc -l < g.tsv)" -eq 1 ] || fail "-k: groups file should list the one good record"
expect_code 3 split --scaffold "$in" > /dev/full 2> err.txt
expect_code 3 split --scaffold --out no/such/dir/p "$in" 2> err.txt
# acyclic chains: one empty-scaffold group; 7 molecules > 90% -> all test (deepchem order)
split --scaffold -v --groups g.tsv "$in" > /dev/null 2> err.txt
grep_q '7 split (1 scaffolds: train 0, valid 0, test 7)' err.txt
