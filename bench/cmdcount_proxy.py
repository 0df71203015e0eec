#!/usr/bin/env python3
"""cmdcount_proxy: a TCP proxy on 127.0.0.1 that counts the commands clients send (IMAP:
the verb, "UID FETCH" as two words, literals skipped; POP3: the first word) and the bytes
each way, to see how many round trips and what work a tool asks of a server per message.
    usage: cmdcount_proxy.py LISTEN_PORT UPSTREAM_PORT OUTFILE
OUTFILE is rewritten after every connection closes: "count verb" lines, then bytes."""
import asyncio, collections, re, sys
lport, up, outf = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
counts = collections.Counter()
POP3 = {b"USER", b"PASS", b"RETR", b"TOP", b"UIDL", b"LIST", b"STAT", b"QUIT", b"RSET",
        b"CAPA", b"NOOP", b"DELE", b"APOP", b"AUTH", b"STLS"}
LIT = re.compile(rb"~?\{(\d+)\+?\}\r\n$")
def dump():
    with open(outf, "w") as f:
        for k, v in counts.most_common():
            f.write("%8d %s\n" % (v, k))
async def c2s(r, w):
    buf, skip, cont = b"", 0, False
    while True:
        d = await r.read(65536)
        if not d:
            break
        counts["bytes client->server"] += len(d)
        w.write(d)
        await w.drain()
        buf += d
        while True:
            if skip:
                k = min(skip, len(buf)); buf = buf[k:]; skip -= k
                if skip:
                    break
            i = buf.find(b"\n")
            if i < 0:
                break
            line, buf = buf[:i + 1], buf[i + 1:]
            if not cont:
                t = line.split()
                if t and t[0].upper() in POP3:
                    counts["pop3 " + t[0].upper().decode()] += 1
                elif len(t) >= 3 and t[1].upper() == b"UID":
                    counts[(t[1] + b" " + t[2]).upper().decode(errors="replace")] += 1
                elif len(t) >= 2:
                    counts[t[1].upper().decode(errors="replace")] += 1
            m = LIT.search(line)
            cont = bool(m)
            if m:
                skip = int(m.group(1))
    w.close()
async def s2c(r, w):
    while True:
        d = await r.read(65536)
        if not d:
            break
        counts["bytes server->client"] += len(d)
        w.write(d)
        await w.drain()
    w.close()
async def handle(cr, cw):
    ur, uw = await asyncio.open_connection("127.0.0.1", up)
    counts["connections"] += 1
    await asyncio.gather(c2s(cr, uw), s2c(ur, cw), return_exceptions=True)
    dump()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", lport)
    async with srv:
        await srv.serve_forever()
asyncio.run(main())
