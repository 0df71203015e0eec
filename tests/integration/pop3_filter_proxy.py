#!/usr/bin/env python3
"""pop3_filter_proxy: make a real Dovecot look like an older POP3 server by hiding
extensions. Listens on 127.0.0.1:LISTEN, forwards to 127.0.0.1:UPSTREAM, and for each
name in HIDE (UIDL, TOP): answers that command itself with "-ERR" and removes the name
from CAPA replies. Everything else passes through unchanged.

    pop3_filter_proxy.py LISTEN UPSTREAM HIDE[,HIDE...] [PORTFILE]

Only valid for clients that do not pipeline a hidden command behind others (the local
answer would overtake pending replies); the POP3 source driver sends UIDL, TOP n 0 and
its first TOP alone."""
import socket
import sys
import threading

listen, upstream = int(sys.argv[1]), int(sys.argv[2])
hide = {h.strip().upper() for h in sys.argv[3].split(",") if h.strip()}


def lines_of(sock):
    """Yield (line with its LF, first word upper-cased) as they arrive; ends at EOF."""
    buf = b""
    while True:
        data = sock.recv(65536)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line + b"\n", line.rstrip(b"\r").split(b" ")[0].decode("latin-1").upper()


def serve(client):
    server = socket.create_connection(("127.0.0.1", upstream))
    lock = threading.Lock()
    in_capa = [False]

    def down():  # server -> client, line by line, dropping hidden CAPA lines
        for line, word in lines_of(server):
            if in_capa[0] and word in hide:
                continue
            if in_capa[0] and word == ".":
                in_capa[0] = False
            with lock:
                client.sendall(line)
        client.close()

    threading.Thread(target=down, daemon=True).start()
    for line, word in lines_of(client):
        if word in hide:
            with lock:
                client.sendall(b"-ERR command not supported here\r\n")
            continue
        if word == "CAPA":
            in_capa[0] = True
        server.sendall(line)
    server.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", listen))
s.listen(16)
if len(sys.argv) > 4:
    with open(sys.argv[4], "w") as f:
        f.write("ready\n")
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
