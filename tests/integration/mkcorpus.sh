#!/usr/bin/env bash
# mkcorpus.sh: the sample-mail generator is deterministic, makes every promised kind of
# message, writes mail Python's email parser reads without defects, hits --large exactly,
# and a real POP3 server serves the messages with the sizes in the manifest.
# shellcheck disable=SC2154 # ${NAME}_PORT variables are exported by lib.sh
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
GEN="$H_ROOT/tests/harness/mkcorpus.py"
LOGIN="$H_TOOLS/etpan_login"

quiet_gen() { "$H_PY" "$GEN" "$@" >/dev/null; }
quiet() { "$@" >/dev/null 2>&1; }

args=(--users 2 --count 14 --seed 7 --large 3M --bare-lf 1)
tap_ok "generates a corpus" quiet_gen "$H_DIR/a" "${args[@]}"
quiet_gen "$H_DIR/b" "${args[@]}"
tap_ok "same arguments, same bytes" diff -r "$H_DIR/a" "$H_DIR/b"
quiet_gen "$H_DIR/c" --users 2 --count 14 --seed 8 --large 3M --bare-lf 1
tap_not "another seed, other mail" quiet diff -r "$H_DIR/a/user01" "$H_DIR/c/user01"

man="$H_DIR/a/manifest.tsv"
tap_is "$(tail -n +2 "$man" | wc -l)" 28 "28 messages in the manifest"
tap_is "$(ls "$H_DIR/a/user02" | wc -l)" 14 "14 files per user"
kinds=$(tail -n +2 "$man" | cut -f6 | tr ',' '\n' | sort -u | tr '\n' ' ')
for k in ascii iso2022jp utf8 attach large bare-lf no-message-id no-received dup-message-id dup-bytes; do
	tap_ok "has a '$k' message" grep -qw -- "$k" <<<"$kinds"
done
tap_is "$(awk -F'\t' '$6 ~ /large/ {print $3}' "$man")" 3145728 "the large message is exactly 3M"
tap_is "$(awk -F'\t' '$6 ~ /large/ {print $1}' "$man")" user01 "and belongs to the first user"

tap_ok "every message parses without defects; sizes and digests match the manifest" "$H_PY" - "$H_DIR/a" <<'EOF'
import email, email.policy, hashlib, os, sys
root = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(root, "manifest.tsv"), encoding="utf-8")][1:]
seen = {}
for user, path, size, digest, mid, kinds in rows:
    raw = open(os.path.join(root, path), "rb").read()
    assert len(raw) == int(size) and hashlib.sha256(raw).hexdigest() == digest, path
    if "bare-lf" in kinds:
        assert b"\r\n" not in raw, path
    else:
        assert raw.count(b"\n") == raw.count(b"\r\n"), path
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert not m.defects, (path, m.defects)
    str(m["subject"]); str(m["from"])
    for part in m.walk():
        if not part.is_multipart():
            part.get_content()
    assert ("Message-ID" in m) == (mid != "-"), path
    assert ("Received" in m) != ("no-received" in kinds) or "dup-bytes" in kinds, path
    if "iso2022jp" in kinds and "dup-bytes" not in kinds:
        assert b"ISO-2022-JP" in raw and b"\x1b$B" in raw, path
    if "dup-bytes" in kinds:
        assert digest in seen.get(user, set()), path
    if "dup-message-id" in kinds:
        assert any(r[4] == mid and r[3] != digest for r in rows if r[0] == user and r[1] < path), path
    seen.setdefault(user, set()).add(digest)
EOF

# The source server serves them: one POP3 message per file, LIST size = file size for CRLF
# mail (Dovecot counts a bare LF as CRLF, as a POP3 client sees it).
dovecot_start src source
dovecot_add_user src user01 'pw one'
maildir_deliver src user01 "$H_DIR/a/user01/"*.eml >/dev/null
out=$(ETPAN_PASSWORD='pw one' "$LOGIN" -s pop3 127.0.0.1 "$src_POP3" user01)
tap_is "$(head -n 1 <<<"$out")" "count 14" "source POP3 shows 14 messages"
want=$(awk -F'\t' '$1 == "user01" { n++; if ($6 !~ /bare-lf/) print "size " n " " $3 }' "$man")
bare=$(awk -F'\t' '$1 == "user01" { n++; if ($6 ~ /bare-lf/) print n }' "$man")
got=$(grep '^size' <<<"$out" | awk -v bare=" $(echo $bare) " 'index(bare, " " $2 " ") == 0')
tap_is "$got" "$want" "POP3 LIST sizes equal the manifest (CRLF messages)"
tap_done
