#!/usr/bin/env python3
"""scriptserver: a POP3/IMAP server that misbehaves on purpose. It listens on 127.0.0.1
(a random free port unless --port), and plays a scenario file to every connection it
accepts, each in its own thread, from the top (so a client that reconnects and retries
meets the same server again).

    scriptserver.py SCENARIO [--port N] [--port-file FILE] [--log FILE]
                             [--read-timeout S] [--hang-max S]

The port is written to --port-file (or printed on stdout). The scenario, one directive
per line (blank lines and lines starting with '#' are skipped):

    S: TEXT      send TEXT and CRLF
    SN: TEXT     send TEXT as it is (no CRLF): half lines, bare LF, a stream that stops
                 in the middle of a reply
    C: GLOB      read one line from the client (CR LF stripped) and match it against GLOB
                 (fnmatch, case-sensitive: "USER *", "* LOGIN *", "*"). A mismatch is
                 logged as MISMATCH and ends the session. The line's first word is kept
                 as $TAG for later S: lines (IMAP replies must carry the client's tag).
    DRAIN        read and log client lines until the client closes the connection
    HANG         say nothing more and read nothing, keep the connection open until the
                 client closes it (or --hang-max seconds): a server that stopped answering
    SLEEP S      wait S seconds (fractions allowed)
    CLOSE        close the connection (also what happens after the last directive)

TEXT and GLOB take the escapes \\r \\n \\t \\\\ and \\xHH, so any byte can be sent.

The log (--log, else stderr) has one line per event: "N accept", "N C: line",
"N S: line", "N MISMATCH expected GLOB, got LINE", "N closed by client", "N end".
Arguments of PASS, APOP, LOGIN and AUTHENTICATE lines are logged as "***"."""
import argparse
import fnmatch
import os
import re
import socket
import sys
import threading
import time


def unescape(text):
    """The scenario's escapes to bytes (the rest of the text is UTF-8)."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n in "rnt\\":
                out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}[n]
                i += 2
                continue
            if n == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode("utf-8")
        i += 1
    return bytes(out)


def parse(path):
    """The scenario as a list of (directive, argument); raises ValueError naming the line."""
    steps = []
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"(S|SN|C): ?(.*)$", line)
            if m:
                steps.append((m.group(1), m.group(2)))
                continue
            word = line.split()
            if word[0] in ("CLOSE", "HANG", "DRAIN") and len(word) == 1:
                steps.append((word[0], None))
            elif word[0] == "SLEEP" and len(word) == 2:
                steps.append(("SLEEP", float(word[1])))
            else:
                raise ValueError("%s:%d: unknown directive %r" % (path, no, line))
    return steps


SECRET = re.compile(rb"^((?:\S+ )?(?:PASS|APOP|LOGIN|AUTHENTICATE)) .*$", re.I)


def shown(line):
    """A client line for the log, with secrets masked."""
    return SECRET.sub(rb"\1 ***", line).decode("utf-8", "backslashreplace")


class Session:
    def __init__(self, conn, n, steps, opts, log):
        self.conn, self.n, self.steps, self.opts, self.log = conn, n, steps, opts, log
        self.buf = b""
        self.tag = b""

    def say(self, what):
        self.log("%d %s" % (self.n, what))

    def read_line(self):
        """One client line without CR LF; None when the client closed or went quiet."""
        self.conn.settimeout(self.opts.read_timeout)
        while b"\n" not in self.buf:
            try:
                data = self.conn.recv(65536)
            except (socket.timeout, OSError):
                return None
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def send(self, data):
        data = data.replace(b"$TAG", self.tag)
        self.conn.sendall(data)
        self.say("S: " + data.decode("utf-8", "backslashreplace").rstrip("\r\n"))

    def hang(self):
        """Keep the connection open, silent, until the client goes or --hang-max passes."""
        end = time.monotonic() + self.opts.hang_max
        self.conn.settimeout(0.5)
        while time.monotonic() < end:
            try:
                if not self.conn.recv(65536, socket.MSG_PEEK):
                    self.say("closed by client")
                    return
            except socket.timeout:
                continue
            except OSError:
                return
            time.sleep(0.5)   # data waits unread: a hung server reads nothing either

    def run(self):
        self.say("accept")
        try:
            for kind, arg in self.steps:
                if kind == "S":
                    self.send(unescape(arg) + b"\r\n")
                elif kind == "SN":
                    self.send(unescape(arg))
                elif kind == "C":
                    line = self.read_line()
                    if line is None:
                        self.say("closed by client")
                        return
                    self.say("C: " + shown(line))
                    want = unescape(arg).decode("latin-1")
                    if not fnmatch.fnmatchcase(line.decode("latin-1"), want):
                        self.say("MISMATCH expected %r, got %r" % (want, shown(line)))
                        return
                    self.tag = line.split(b" ", 1)[0]
                elif kind == "DRAIN":
                    while (line := self.read_line()) is not None:
                        self.say("C: " + shown(line))
                    self.say("closed by client")
                    return
                elif kind == "HANG":
                    self.hang()
                    return
                elif kind == "SLEEP":
                    time.sleep(arg)
                elif kind == "CLOSE":
                    break
            self.say("end")
        except OSError as e:
            self.say("connection error: %s" % e)
        finally:
            self.conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--read-timeout", type=float, default=60)
    ap.add_argument("--hang-max", type=float, default=300)
    opts = ap.parse_args()
    try:
        steps = parse(opts.scenario)
    except (OSError, ValueError) as e:
        print("scriptserver: %s" % e, file=sys.stderr)
        return 64
    out = open(opts.log, "a", buffering=1, encoding="utf-8") if opts.log else sys.stderr
    lock = threading.Lock()

    def log(msg):
        with lock:
            out.write(msg + "\n")

    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", opts.port))
    ls.listen(16)
    port = ls.getsockname()[1]
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(opts.port_file + ".tmp", opts.port_file)
    else:
        print(port, flush=True)
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        threading.Thread(target=Session(conn, n, steps, opts, log).run, daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
