#!/usr/bin/env python3
"""bench/check.py: check one tool's copy against the source, as clients see both servers.

    check.py SRC_IMAP SRC_POP3 DST_IMAP DST_POP3 SUFFIX UIDLS FLAGS USER...
    check.py --warm SRC_IMAP SRC_POP3 USER...     (build the source's indexes first)

Logs in as USER*migrate (SRC_MASTER_PW / DST_MASTER_PW from the environment) on the source
and as USER_SUFFIX*migrate on the destination. Per user it compares
  counts  messages in INBOX
  bytes   every message's bytes (multiset of SHA-256 digests; the header a tool adds to
          find its copy again is taken out first: X-UIDL (cutover's UIDL-keeping copy) and
          X-TUID (mbsync))
  flags   \\Seen \\Answered \\Flagged \\Draft and keywords per message (FLAGS=1; a POP3 copy
          has none to keep)
  UIDLs   the destination's POP3 UIDL list equals the source's, in order (UIDLS=1)
and prints one line: "ok N msgs, B bytes, flags ok|n/a, UIDLs 100 %|n/a" or what differs.
Exit status 0 when everything asked for matched."""
import hashlib
import imaplib
import os
import poplib
import re
import sys

XUIDL = re.compile(rb"^(?:X-UIDL|X-TUID):[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*", re.I | re.M)
FLAG = re.compile(rb"FLAGS \(([^)]*)\)")
UID = re.compile(rb"UID (\d+)")


def strip_xuidl(msg):
    end = msg.find(b"\r\n\r\n")
    head, rest = (msg, b"") if end < 0 else (msg[:end + 2], msg[end + 2:])
    return XUIDL.sub(b"", head) + rest


def imap_msgs(port, user, pw):
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(user + "*migrate", pw)
    m.select("INBOX", readonly=True)
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
    out = []
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, body = item
        flags = sorted(f for f in FLAG.search(meta).group(1).split() if f != b"\\Recent")
        out.append((int(UID.search(meta).group(1)), b" ".join(flags), body))
    m.logout()
    out.sort()
    return [(f, b) for _, f, b in out]


def pop3_uidls(port, user, pw):
    p = poplib.POP3("127.0.0.1", port)
    p.user(user + "*migrate")
    p.pass_(pw)
    _, lines, _ = p.uidl()
    p.quit()
    return [l.split()[1] for l in lines]


def warm(sim, spop, users):
    """What every tool asks first (POP3 UIDL and LIST, IMAP sizes, flags, dates), once per
    mailbox, so that no tool pays for building the source's indexes for those after it."""
    pw = os.environ["SRC_MASTER_PW"]
    for u in users:
        pop3_uidls(spop, u, pw)
        p = poplib.POP3("127.0.0.1", spop)
        p.user(u + "*migrate")
        p.pass_(pw)
        p.list()
        p.quit()
        m = imaplib.IMAP4("127.0.0.1", sim)
        m.login(u + "*migrate", pw)
        m.select("INBOX", readonly=True)
        m.uid("FETCH", "1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE)")
        m.logout()
    return 0


def main():
    a = sys.argv[1:]
    if a and a[0] == "--warm":
        return warm(int(a[1]), int(a[2]), a[3:])
    sim, spop, dim, dpop = (int(x) for x in a[:4])
    suffix, want_uidl, want_flags, users = a[4], a[5] == "1", a[6] == "1", a[7:]
    spw, dpw = os.environ["SRC_MASTER_PW"], os.environ["DST_MASTER_PW"]
    bad, msgs, nbytes, uidl_ok, uidl_n = [], 0, 0, 0, 0
    for u in users:
        src = imap_msgs(sim, u, spw)
        dst = imap_msgs(dim, u + "_" + suffix, dpw)
        if len(src) != len(dst):
            bad.append("%s: %d messages, source %d" % (u, len(dst), len(src)))
            continue
        sd = sorted((hashlib.sha256(b).digest(), f) for f, b in src)
        dd = sorted((hashlib.sha256(strip_xuidl(b)).digest(), f) for f, b in dst)
        if [d for d, _ in sd] != [d for d, _ in dd]:
            n = len(set(d for d, _ in sd) - set(d for d, _ in dd))
            bad.append("%s: %d messages differ in their bytes" % (u, n))
        elif want_flags and sd != dd:
            bad.append("%s: %d messages differ in their flags" % (u, sum(x != y for x, y in zip(sd, dd))))
        msgs += len(src)
        nbytes += sum(len(b) for _, b in src)
        if want_uidl:
            su = pop3_uidls(spop, u, spw)
            du = pop3_uidls(dpop, u + "_" + suffix, dpw)
            same = sum(1 for x, y in zip(su, du) if x == y)
            uidl_ok += same
            uidl_n += len(su)
            if same != len(su) or len(su) != len(du):
                bad.append("%s: %d of %d UIDLs kept" % (u, same, len(su)))
    uidl = "%.1f %%" % (100.0 * uidl_ok / uidl_n) if uidl_n else "n/a"
    if bad:
        print("FAILED: " + "; ".join(bad[:3]) + (" (+%d more)" % (len(bad) - 3) if len(bad) > 3 else ""))
        return 1
    print("ok %d msgs, %d bytes, flags %s, UIDLs %s" % (msgs, nbytes, "ok" if want_flags else "n/a", uidl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
