# binary output to a terminal is refused (exit 2, message) unless -f
. "$(fixture bad/conformance/setup.sh)"
need_cmd script
script -qec true /dev/null > /dev/null 2>&1 < /dev/null || skip "script(1) cannot allocate a pty"
conf_inputs ckpt
for t in conformer-ingest relation-build blend-mask split encode json2mpk mpk-shard; do
    cmd=$(conf_cmd $t)
    in=$(conf_input $t)
    rc=0
    script -qec "$cmd $in 2> err.txt" /dev/null > tty.txt 2>&1 < /dev/null || rc=$?
    [ $rc -eq 2 ] || { cat err.txt tty.txt >&2; fail "$t to a terminal: exit $rc, expected 2"; }
    grep_q "^$t: .*terminal" err.txt
    # -f: written anyway (to the pty; script copies it to tty.txt)
    rc=0
    script -qec "$cmd -f $in 2> err.txt" /dev/null > tty.txt 2>&1 < /dev/null || rc=$?
    [ $rc -eq 0 ] || { cat err.txt >&2; fail "$t -f to a terminal: exit $rc"; }
    [ -s tty.txt ] || fail "$t -f wrote nothing"
done
# text tools write to a terminal normally
for t in mpk2json evaluate ckpt-info; do
    rc=0
    in=$(conf_input $t); [ $t = ckpt-info ] && in=
    script -qec "$(conf_cmd $t) $in 2> err.txt" /dev/null > tty.txt 2>&1 < /dev/null || rc=$?
    [ $rc -eq 0 ] || { cat err.txt >&2; fail "$t to a terminal: exit $rc"; }
done
