#!/usr/bin/env python3
"""imapdst_corpus.py: test data for tests/integration/imapdst.sh (and the append benchmark).

  corpus DIR N [SIZE]  write N messages 001.eml… into DIR plus a MANIFEST (flags, keywords,
                       dates in several zones); message 002 uses bare LF line ends on purpose.
                       SIZE pads each body to about SIZE bytes.
  expect DIR           print what a dump of the destination must show, one line per message:
                       "flags date size sha256" of the bytes the server stores (bare CR/LF
                       turned into CRLF, as libetpan and our MULTIAPPEND writer do).
  check DIR            read `imap_dump dump` output on stdin and compare it, in order,
                       with `expect DIR` ("*" dates match any); print differences, exit 1.
"""
import hashlib, os, re, sys

FLAGS = ["-", "\\Seen", "\\Seen,$Label1", "\\Flagged,\\Answered", "\\Draft",
         "\\Seen,$Forwarded,Junk", "\\Deleted,\\Seen"]
ZONES = [32400, 0, -18000, 19800, -3600]


def corpus(d, n, size):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "MANIFEST"), "w") as m:
        for i in range(1, n + 1):
            name = "%03d.eml" % i
            eol = "\n" if i == 2 else "\r\n"
            body = "line %d of a test message for the IMAP destination" % i
            lines = ["From: sender%d@example.net" % i, "To: alice@example.jp",
                     "Subject: test %d" % i, "Message-ID: <m%d@example.net>" % i,
                     "X-UIDL: uidl-%05d" % i, "", body]
            text = eol.join(lines) + eol
            while len(text) < size:
                text += ("filler %d " % i) * 7 + eol
            with open(os.path.join(d, name), "wb") as f:
                f.write(text.encode())
            date = 1034173800 + i * 61 if i % 5 else 0
            m.write("%s\t%s\t%d\t%d\n" % (name, FLAGS[i % len(FLAGS)], date, ZONES[i % len(ZONES)]))


def stored(data):
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


def canon_flags(f):
    return ",".join(sorted(x for x in f.split(",") if x != "-")) or "-"


def expected(d):
    out = []
    for line in open(os.path.join(d, "MANIFEST")):
        name, flags, date, _ = line.rstrip("\n").split("\t")
        data = stored(open(os.path.join(d, name), "rb").read())
        out.append([canon_flags(flags), date if date != "0" else "*", str(len(data)),
                    hashlib.sha256(data).hexdigest()])
    return out


def check(d):
    want = expected(d)
    got = []
    for line in sys.stdin:
        if line.startswith("#"):
            print(line.rstrip())
            return 1
        uid, flags, date, size, sha = line.split()
        got.append([canon_flags(flags), date, size, sha])
    bad = 0
    if len(got) != len(want):
        print("# %d messages, want %d" % (len(got), len(want)))
        bad = 1
    for i, (g, w) in enumerate(zip(got, want)):
        if w[1] == "*":
            w[1] = g[1]
        if g != w:
            print("# message %d: got %s want %s" % (i + 1, " ".join(g), " ".join(w)))
            bad = 1
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "corpus":
        corpus(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif sys.argv[1] == "expect":
        for w in expected(sys.argv[2]):
            print(" ".join(w))
    else:
        sys.exit(check(sys.argv[2]))
