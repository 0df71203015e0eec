"""imap_dump: what an IMAP client sees in every folder of a mailbox, one line per message:
folder<TAB>sha256 of the message (CRLF line ends)<TAB>flags (sorted, without \\Recent)<TAB>
INTERNALDATE as epoch; sorted. Read-only (EXAMINE, BODY.PEEK). Folder names are decoded
from modified UTF-7 and written with '/' between levels.

usage: imap_dump.py PORT USER [--skip-deleted] [--ordered] [--map FROM=TO]...   (password in $H_PW)
--ordered: each folder's messages in sequence (UID) order instead of sorted lines.
"""
import base64, hashlib, imaplib, os, re, sys, time


def mutf7_decode(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "&":
            j = s.index("-", i)
            if j == i + 1:
                out.append("&")
            else:
                b = s[i + 1:j].replace(",", "/")
                b += "=" * (-len(b) % 4)
                out.append(base64.b64decode(b).decode("utf-16-be"))
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def main():
    port, user = int(sys.argv[1]), sys.argv[2]
    skip_deleted, ordered, mapping, args = False, False, {}, sys.argv[3:]
    while args:
        a = args.pop(0)
        if a == "--skip-deleted":
            skip_deleted = True
        elif a == "--ordered":
            ordered = True
        elif a == "--map":
            f, t = args.pop(0).split("=", 1)
            mapping[f] = t
    m = imaplib.IMAP4("127.0.0.1", port, timeout=20)
    m.login(user, os.environ["H_PW"])
    typ, data = m.list('""', "*")
    lines = []
    for raw in data:
        line = raw.decode() if isinstance(raw, bytes) else raw[0].decode()
        mt = re.match(r'\((?P<fl>[^)]*)\) (?P<sep>NIL|"(?:\\.|[^"])*") (?P<name>.*)$', line)
        fl, sep, name = mt.group("fl"), mt.group("sep"), mt.group("name")
        if "\\Noselect" in fl or "\\NonExistent" in fl:
            continue
        sep = None if sep == "NIL" else sep[1:-1].replace("\\\\", "\\")
        wire = name[1:-1].replace('\\"', '"').replace("\\\\", "\\") if name.startswith('"') else name
        shown = mutf7_decode(wire)
        if sep and sep != "/":
            shown = shown.replace(sep, "/")
        if shown.upper() == "INBOX":
            shown = "INBOX"
        shown = mapping.get(shown, shown)
        typ, cnt = m.select('"%s"' % wire.replace("\\", "\\\\").replace('"', '\\"'), readonly=True)
        if typ != "OK" or int(cnt[0]) == 0:
            continue
        typ, msgs = m.fetch("1:*", "(FLAGS INTERNALDATE BODY.PEEK[])")
        for item in msgs:
            if not isinstance(item, tuple):
                continue
            head = item[0].decode()
            flags = re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()
            flags = sorted(f for f in flags if f != "\\Recent")
            if skip_deleted and "\\Deleted" in flags:
                continue
            date = int(time.mktime(imaplib.Internaldate2tuple(item[0])))
            body = item[1].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            lines.append("%s\t%s\t%s\t%d" % (shown, hashlib.sha256(body).hexdigest(),
                                             " ".join(flags), date))
    m.logout()
    for l in (sorted(lines, key=lambda l: l.split("\t", 1)[0]) if ordered else sorted(lines)):
        print(l)


main()
