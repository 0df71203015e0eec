"""notices_smtpd: a real SMTP submission server for the notices test (aiosmtpd):
STARTTLS required, AUTH required (user `notices`, password from NOTICE_PW), every
accepted message stored as DIR/NNN.eml with a line in DIR/log (time, recipient).
Recipients named temp@… get 451 on their first try, reject@… always 550.

usage: notices_smtpd.py PORT DIR CERT KEY   (prints "ready" once listening)
"""
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, outdir, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
password = os.environ["NOTICE_PW"].encode()
tries = {}


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"notices"
          and auth_data.password == password)
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with open(os.path.join(outdir, "mail_log"), "a") as f:
            f.write("%.3f\n" % time.monotonic())
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        tries[address] = tries.get(address, 0) + 1
        if local == "reject":
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local == "temp" and tries[address] == 1:
            return "451 4.3.0 <%s>: Temporary lookup failure" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(outdir) if f.endswith(".eml")]) + 1
        with open(os.path.join(outdir, "%03d.eml" % n), "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(outdir, "log"), "a") as f:
            f.write("%.3f %s %s\n" % (time.monotonic(), envelope.mail_from, " ".join(envelope.rcpt_tos)))
        return "250 2.0.0 Ok: queued"


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
                        require_starttls=True, auth_required=True, authenticator=authenticator)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
