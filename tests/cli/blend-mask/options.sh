# usage errors exit 2, --help exits 0 on stdout
in=$(fixture good/blend/mols.mpk)
blend-mask --help > help.txt
grep_q '^usage: blend-mask' help.txt
for bad in "--pair-prob 0.5,0.5,0.5" "--pair-prob 0.2,0.8" "--pair-prob -0.2,0.6,0.6" \
           "--atom-prob 0.5,0.6" "--atom-prob x,y" "--noise -1" "--mode 4d" "--epoch -1" "--bogus"; do
    expect_code 2 blend-mask $bad "$in" > /dev/null 2> err.txt
    grep_q '^blend-mask: .*--' err.txt
done
# degenerate probabilities are valid: all SPD, all degree
blend-mask --pair-prob 1,0,0 --atom-prob 1,0 --noise 0 "$in" > one.mpk
if /usr/bin/python3 -c 'import msgpack' 2>/dev/null; then
    /usr/bin/python3 "$(fixture good/blend/mbinspect.py)" dump one.mpk > d.txt
    awk '$2 == 0 && ($4 ~ /[12]/ || $5 ~ /1/ || $6 != "-") { bad = 1 } END { exit bad }' d.txt ||
        fail "--pair-prob 1,0,0 --atom-prob 1,0 --noise 0 drew something else"
fi
