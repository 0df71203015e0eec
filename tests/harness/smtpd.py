#!/usr/bin/python3
"""smtpd.py: a real local SMTP submission server for tests (Debian python3-aiosmtpd).

    smtpd.py --port P --dir DIR [--cert C --key K] [--user U --password-env VAR]
             [--pidfile F]

STARTTLS when a certificate is given; AUTH PLAIN/LOGIN when a user is given (the password
comes from the environment, never argv); every accepted message is written to DIR as
<n>.eml with the envelope in <n>.env. Listens on 127.0.0.1 only. Runs until killed.
Use /usr/bin/python3: the Debian package is invisible to a pyenv interpreter.
"""
import argparse, os, ssl, threading, time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, d):
        self.dir, self.n, self.lock = d, 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.dir, "%06d" % self.n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write("from %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("to %s\n" % r)
        return "250 OK queued as %d" % self.n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password-env")
    ap.add_argument("--pidfile")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    kw = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kw.update(tls_context=ctx, require_starttls=False)
    if a.user:
        want = (a.user.encode(), os.environ.get(a.password_env or "", "").encode())

        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (data.login, data.password) == want
            return AuthResult(success=ok)

        kw.update(authenticator=auth, auth_require_tls=False)
    else:
        kw.update(auth_require_tls=False)
    c = Controller(Sink(a.dir), hostname="127.0.0.1", port=a.port, **kw)
    c.start()
    if a.pidfile:
        with open(a.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    main()
