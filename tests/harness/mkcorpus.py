#!/usr/bin/env python3
"""mkcorpus.py: write deterministic sample mailboxes for tests, the demo and the benchmark.

    mkcorpus.py OUTDIR [--users N | --user NAME[=COUNT]...] [--count N] [--seed S]
                [--sizes small|mixed|SPEC] [--bare-lf N] [--large SIZE [--large-user NAME]]
                [--plain] [--domain D]

Writes OUTDIR/USER/0001.eml, 0002.eml, ... (oldest first: deliver them in name order) and
OUTDIR/manifest.tsv, one line per message:
    user  file  bytes  sha256  message_id (or -)  kinds (comma-separated)
kinds: ascii, iso2022jp, utf8, html, attach, large, bare-lf, no-message-id, no-received,
dup-message-id (same Message-ID as an earlier message, different bytes), dup-bytes
(byte-identical copy of an earlier message).

Messages are RFC 5322 with CRLF line ends (bare LF only for --bare-lf ones): Received
chains, +0900 dates in 2002, Japanese ISO-2022-JP (RFC 2047 B-words, 7bit JIS bodies) and
UTF-8 (B-words, base64/quoted-printable/8bit bodies), multipart/alternative, and
multipart/mixed with base64 attachments (some with Japanese file names). Unless --plain,
each user of 8+ messages gets one message without Message-ID, one without Received, one
duplicate Message-ID and one byte-identical duplicate.

--sizes: small (text only, 1-8 KB), mixed (default: 70% 1-6 KB, 22% 8-40 KB, 7% 50-300 KB,
1% 0.5-2 MB; about 30 KB on average) or a SPEC like "2k-6k:70,20k-40k:25,1m-2m:5".
--large SIZE (e.g. 15M): one message of exactly SIZE bytes for --large-user (default: the
first user), in the middle of that user's mailbox.
The same arguments always give the same bytes. Standard library only.
"""
import argparse
import base64
import hashlib
import os
import quopri
import random
import re
import sys
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))
CRLF = b"\r\n"

JA_SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
               "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "斎藤"]
JA_GIVEN = ["太郎", "花子", "健一", "美咲", "誠", "由美", "大輔", "直子", "翔", "陽子"]
ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura",
          "kobayashi", "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto",
          "inoue", "kimura", "hayashi", "shimizu", "saito"]
JA_SUBJECTS = ["会議の日程について", "見積書送付のお願い", "先日の打ち合わせの件", "請求書を送付いたします",
               "忘年会のお知らせ", "サーバー移行に関するご案内", "資料を添付します", "来週の出張について",
               "議事録の確認をお願いします", "新製品発表会のご案内", "お問い合わせありがとうございます",
               "写真を送ります", "契約書の件", "メールアドレス変更のお知らせ", "本日の作業報告"]
JA_SENTENCES = [
    "いつもお世話になっております。", "先日はお忙しいところありがとうございました。",
    "ご確認のほど、よろしくお願いいたします。", "資料を添付いたしましたので、ご査収ください。",
    "来週の火曜日に打ち合わせをお願いできますでしょうか。", "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "メールサーバーの移行作業は十月二十二日の深夜に行われます。", "作業中はメールの受信ができなくなります。",
    "新しいサーバーの設定方法は別紙をご覧ください。", "今後ともどうぞよろしくお願い申し上げます。",
    "会議室は三階の第二会議室を予約しております。", "見積金額は税抜きで十二万円となります。",
    "念のため、前回の議事録も添付いたします。", "明日の午前中にお電話いたします。",
    "お手数ですが、折り返しご連絡ください。", "以上、取り急ぎご報告まで。",
]
EN_SUBJECTS = ["Meeting notes", "Re: quarterly report", "Invoice #{n}", "Lunch on Friday?",
               "Server maintenance tonight", "Fwd: photos from the trip", "Your order {n} has shipped",
               "Re: Re: draft contract", "Weekly status", "Question about the new mail settings"]
EN_WORDS = ("the of and to in for on with at by from about report meeting server mail account "
            "password settings schedule customer order invoice project team update week "
            "please check attached document review tomorrow morning office network new old "
            "migration window support question answer thanks regards client message").split()
X_MAILERS = ["Microsoft Outlook Express 6.00.2800.1106", "Becky! ver. 2.05.10",
             "Microsoft Outlook, Build 10.0.2627", "Datula version 1.51.09 for Windows",
             "Mew version 3.1 on Emacs 21.2 / Mule 5.0", "Mozilla 4.79 [ja] (Windows NT 5.0; U)",
             "AL-Mail32 Version 1.13", "EdMax Ver2.85.5F"]
ATTACHMENTS = [("application/pdf", "report.pdf"), ("image/jpeg", "photo.jpg"),
               ("application/msword", "見積書.doc"), ("application/vnd.ms-excel", "売上表.xls"),
               ("application/zip", "data.zip"), ("image/gif", "map.gif")]
SIZE_PRESETS = {
    "small": "1k-8k:100",
    "mixed": "1k-6k:70,8k-40k:22,50k-300k:7,500k-2m:1",
}


def parse_size(text):
    m = re.fullmatch(r"(\d+)([kKmM]?)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError("bad size '%s' (e.g. 2048, 20k, 15M)" % text)
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]


def parse_mix(spec):
    spec = SIZE_PRESETS.get(spec, spec)
    out = []
    for part in spec.split(","):
        rng, _, weight = part.partition(":")
        lo, _, hi = rng.partition("-")
        out.append((parse_size(lo), parse_size(hi or lo), int(weight or 1)))
    return out


def b_words(text, charset):
    """RFC 2047 B-encoded words (each <= 75 chars), folded with CRLF SP."""
    words, chunk = [], ""
    limit = 45 if charset == "UTF-8" else 36  # raw bytes per word, before base64
    for ch in text:
        if len((chunk + ch).encode(charset.lower().replace("-", "_"))) > limit:
            words.append(chunk)
            chunk = ""
        chunk += ch
    if chunk:
        words.append(chunk)
    codec = charset.lower().replace("-", "_")
    return "\r\n ".join("=?%s?B?%s?=" % (charset, base64.b64encode(w.encode(codec)).decode())
                        for w in words)


def wrap(words, width=72):
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines


def b64_lines(data):
    enc = base64.b64encode(data)
    return CRLF.join(enc[i:i + 76] for i in range(0, len(enc), 76))


class Gen:
    def __init__(self, args):
        self.a = args
        self.rnd = random.Random(args.seed)
        self.mix = parse_mix(args.sizes)
        self.domain = args.domain

    def person(self):
        i = self.rnd.randrange(len(JA_SURNAMES))
        given = self.rnd.choice(JA_GIVEN)
        addr = "%s%d@%s" % (ROMAJI[i], self.rnd.randrange(1, 99),
                            self.rnd.choice(["example.co.jp", "example.ne.jp", "example.com",
                                             "example.or.jp"]))
        return JA_SURNAMES[i] + " " + given, addr

    def en_text(self, nbytes):
        words = []
        size = 0
        while size < nbytes:
            w = self.rnd.choice(EN_WORDS)
            words.append(w)
            size += len(w) + 1
        lines = wrap(words)
        return [l[0].upper() + l[1:] + "." if i % 4 == 3 else l for i, l in enumerate(lines)]

    def ja_lines(self, nchars):
        lines, n = [], 0
        while n < nchars:
            s = "".join(self.rnd.choice(JA_SENTENCES) for _ in range(self.rnd.randint(1, 2)))
            lines.append(s)
            n += len(s) + 1
            if self.rnd.random() < 0.2:
                lines.append("")
        return lines

    def pick_size(self):
        total = sum(w for _, _, w in self.mix)
        r = self.rnd.uniform(0, total)
        for lo, hi, w in self.mix:
            if r < w:
                return self.rnd.randint(lo, hi)
            r -= w
        lo, hi, _ = self.mix[-1]
        return self.rnd.randint(lo, hi)

    def text_part(self, flavour, nbytes):
        """(content headers, body bytes) for one text/plain part of about nbytes."""
        if flavour == "iso2022jp":
            lines = self.ja_lines(max(20, nbytes // 5))  # JIS: ~5 bytes/char incl. escapes
            body = CRLF.join(l.encode("iso2022_jp") for l in lines)
            ct = [b"Content-Type: text/plain; charset=ISO-2022-JP", b"Content-Transfer-Encoding: 7bit"]
        elif flavour == "utf8":
            lines = self.ja_lines(max(20, nbytes // 4))
            raw = "\r\n".join(lines).encode("utf-8")
            cte = self.rnd.choice(["base64", "quoted-printable", "8bit"])
            if cte == "base64":
                body = b64_lines(raw)
            elif cte == "quoted-printable":
                body = quopri.encodestring(raw.replace(b"\r\n", b"\n")).replace(b"\n", CRLF)
            else:
                body = raw
            ct = [b"Content-Type: text/plain; charset=UTF-8",
                  b"Content-Transfer-Encoding: " + cte.encode()]
        else:
            body = CRLF.join(l.encode() for l in self.en_text(nbytes))
            ct = [b"Content-Type: text/plain; charset=us-ascii", b"Content-Transfer-Encoding: 7bit"]
        return ct, body + CRLF

    def attachment(self, nbytes, boundary):
        ctype, name = self.rnd.choice(ATTACHMENTS)
        data = self.rnd.randbytes(nbytes)
        if name.isascii():
            disp = 'attachment; filename="%s"' % name
            ctline = '%s; name="%s"' % (ctype, name)
        else:
            # Old Japanese mailers put RFC 2047 words in quotes; RFC 2231 is the correct form.
            disp = "attachment; filename*=UTF-8''%s" % "".join(
                "%%%02X" % b for b in name.encode("utf-8"))
            ctline = '%s; name="%s"' % (ctype, b_words(name, "ISO-2022-JP"))
        return (b"--" + boundary + CRLF + b"Content-Type: " + ctline.encode() + CRLF +
                b"Content-Transfer-Encoding: base64" + CRLF +
                b"Content-Disposition: " + disp.encode() + CRLF + CRLF + b64_lines(data) + CRLF)

    def message(self, user, seq, when, size, flavour, opts):
        """One message as bytes (CRLF), its Message-ID (or None) and its kinds."""
        kinds = [flavour]
        name, addr = self.person()
        to = "%s@%s" % (user, self.domain)
        if flavour == "ascii":
            subject = self.rnd.choice(EN_SUBJECTS).format(n=self.rnd.randrange(1000, 99999))
            from_h = "%s <%s>" % (addr.split("@")[0].capitalize(), addr)
        else:
            subject = self.rnd.choice(JA_SUBJECTS)
            if self.rnd.random() < 0.3:
                subject = "Re: " + subject
            cs = "ISO-2022-JP" if flavour == "iso2022jp" else "UTF-8"
            from_h = "%s <%s>" % (b_words(name, cs), addr)
            subject = b_words(subject, cs)
        mid = opts.get("message_id") or "<%s.%06d.%s@%s>" % (
            when.strftime("%Y%m%d%H%M%S"), self.rnd.randrange(10 ** 6), ROMAJI[seq % 20],
            addr.split("@")[1])
        h = []
        if not opts.get("no_received"):
            relay = when - timedelta(seconds=self.rnd.randint(1, 90))
            h.append("Return-Path: <%s>" % addr)
            h.append("Received: from mx1.%s (mx1.%s [192.0.2.%d])\r\n\tby mx.%s (qmail) with SMTP; %s"
                     % (self.domain, self.domain, self.rnd.randrange(2, 250), self.domain,
                        when.strftime("%a, %d %b %Y %H:%M:%S +0900")))
            h.append("Received: from [10.0.%d.%d] (helo=pc%d)\r\n\tby %s with esmtp; %s"
                     % (self.rnd.randrange(256), self.rnd.randrange(256), self.rnd.randrange(100),
                        addr.split("@")[1], relay.strftime("%a, %d %b %Y %H:%M:%S +0900")))
        else:
            kinds.append("no-received")
        h.append("Date: " + when.strftime("%a, %d %b %Y %H:%M:%S +0900"))
        h.append("From: " + from_h)
        h.append("To: " + to)
        h.append("Subject: " + subject)
        if opts.get("no_message_id"):
            kinds.append("no-message-id")
            mid = None
        else:
            h.append("Message-ID: " + mid)
        h.append("MIME-Version: 1.0")
        h.append("X-Mailer: " + self.rnd.choice(X_MAILERS))
        head = CRLF.join(x.encode() for x in h) + CRLF

        boundary = ("----=_NextPart_%03d_%04X_%08X" % (seq % 1000, self.rnd.randrange(65536),
                                                       self.rnd.randrange(1 << 32))).encode()
        text_size = min(size, self.rnd.randint(600, 5000))
        if size > 12000 or opts.get("large"):
            kinds.append("attach")
            ct, body = self.text_part(flavour, text_size)
            parts = b"--" + boundary + CRLF + CRLF.join(ct) + CRLF + CRLF + body
            raw = max(0, (size - len(head) - len(parts) - 1000) * 57 // 78)
            parts += self.attachment(raw, boundary)
            msg = (head + b'Content-Type: multipart/mixed;\r\n\tboundary="' + boundary + b'"' + CRLF +
                   CRLF + b"This is a multi-part message in MIME format." + CRLF + CRLF + parts)
            msg = self.pad(msg, boundary, size if opts.get("large") else None)
            msg += b"--" + boundary + b"--" + CRLF
        elif flavour != "iso2022jp" and self.rnd.random() < 0.15:
            kinds.append("html")
            if flavour == "utf8":
                lines, cs = self.ja_lines(max(20, size // 8)), b"UTF-8"
            else:
                lines, cs = self.en_text(size // 2), b"us-ascii"
            text = CRLF.join(l.encode("utf-8") for l in lines) + CRLF
            html = (b"<html><body>" + CRLF + CRLF.join(b"<p>" + l.encode("utf-8") + b"</p>"
                                                     for l in lines if l) +
                    CRLF + b"</body></html>" + CRLF)
            part = lambda sub, body: (b"--" + boundary + CRLF + b"Content-Type: text/" + sub +
                                      b"; charset=" + cs + CRLF +
                                      b"Content-Transfer-Encoding: 8bit" + CRLF + CRLF + body)
            msg = (head + b'Content-Type: multipart/alternative;\r\n\tboundary="' + boundary +
                   b'"' + CRLF + CRLF + part(b"plain", text) + part(b"html", html) +
                   b"--" + boundary + b"--" + CRLF)
        else:
            ct, body = self.text_part(flavour, max(200, size - len(head) - 100))
            msg = head + CRLF.join(ct) + CRLF + CRLF + body
        return msg, mid, kinds

    @staticmethod
    def pad(msg, boundary, exact):
        """Make a large message exactly `exact` bytes (closing boundary included) with a
        text/plain filler part of 76-character lines; a no-op when exact is None."""
        if exact is None:
            return msg
        tail = len(b"--" + boundary + b"--" + CRLF)
        head = b"--" + boundary + CRLF + b"Content-Type: text/plain; charset=us-ascii" + CRLF + CRLF
        need = exact - len(msg) - tail - len(head) - 2
        if need < 0:
            return msg
        filler = bytearray(b"." * need)
        for p in range(76, need - 1, 78):
            filler[p:p + 2] = CRLF
        return msg + head + bytes(filler) + CRLF


def user_counts(a):
    """[(name, message count)]: --user NAME[=COUNT]..., or user01..userNN."""
    if not a.user:
        return [("user%02d" % (i + 1), a.count) for i in range(a.users)]
    out = []
    for u in a.user:
        name, eq, count = u.partition("=")
        if not name or "/" in name or name.startswith(".") or (eq and not count.isdigit()):
            raise ValueError("bad --user '%s' (NAME or NAME=COUNT)" % u)
        out.append((name, int(count) if eq else a.count))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--users", type=int, default=3, help="number of users user01..userNN")
    ap.add_argument("--user", action="append",
                    help="NAME or NAME=COUNT (repeatable; overrides --users)")
    ap.add_argument("--count", type=int, default=20, help="messages per user")
    ap.add_argument("--seed", type=int, default=2002)
    ap.add_argument("--sizes", default="mixed")
    ap.add_argument("--bare-lf", type=int, default=0, metavar="N",
                    help="N messages per user with bare LF line ends")
    ap.add_argument("--large", type=parse_size, metavar="SIZE")
    ap.add_argument("--large-user")
    ap.add_argument("--plain", action="store_true", help="no missing/duplicate special cases")
    ap.add_argument("--domain", default="example.jp")
    a = ap.parse_args()
    try:
        parse_mix(a.sizes)
    except (ValueError, KeyError, argparse.ArgumentTypeError) as e:
        ap.error("--sizes: %s" % e)
    try:
        users = user_counts(a)
    except ValueError as e:
        ap.error(str(e))
    g = Gen(a)
    large_user = a.large_user or users[0][0]
    os.makedirs(a.outdir, exist_ok=True)
    width = max(4, len(str(max(n for _, n in users))))
    manifest = ["user\tfile\tbytes\tsha256\tmessage_id\tkinds"]
    total = 0
    for user, n in users:
        udir = os.path.join(a.outdir, user)
        os.makedirs(udir, exist_ok=True)
        # Per-user generator: adding users never changes earlier users' mail.
        g.rnd = random.Random("%d/%s" % (a.seed, user))
        large_at = n // 2 if (a.large and user == large_user and n > 0) else None
        special = {}
        if not a.plain and n >= 8:
            picks = g.rnd.sample([i for i in range(2, n) if i != large_at], 4)
            special = {picks[0]: "no_message_id", picks[1]: "no_received",
                       picks[2]: "dup_message_id", picks[3]: "dup_bytes"}
        bare = set(g.rnd.sample(range(n), min(a.bare_lf, n)))
        when = datetime(2002, 9, 1, 8, 0, tzinfo=JST) + timedelta(minutes=g.rnd.randrange(600))
        done = []  # (bytes, message_id, kinds)
        for i in range(n):
            when += timedelta(seconds=g.rnd.randint(600, 6 * 3600))
            flavour = g.rnd.choices(["ascii", "iso2022jp", "utf8"], [30, 45, 25])[0]
            kind = special.get(i)
            small = [d for d in done if "large" not in d[2]]
            if kind == "dup_bytes" and small:
                # A copy of an earlier message, line ends and all.
                msg, mid, was = small[g.rnd.randrange(len(small))]
                kinds = ["dup-bytes"] + [k for k in was if k == "bare-lf"]
            else:
                opts = {}
                if kind in ("no_message_id", "no_received"):
                    opts[kind] = True
                if kind == "dup_message_id":
                    earlier = [m for _, m, _ in done if m]
                    if earlier:
                        opts["message_id"] = g.rnd.choice(earlier)
                size = g.pick_size()
                if i == large_at:
                    opts["large"] = True
                    size = a.large
                msg, mid, kinds = g.message(user, i, when, size, flavour, opts)
                if kind == "dup_message_id" and "message_id" in opts:
                    kinds.append("dup-message-id")
                if i == large_at:
                    kinds.append("large")
            if i in bare and "dup-bytes" not in kinds:
                msg = msg.replace(CRLF, b"\n")
                kinds = kinds + ["bare-lf"]
            done.append((msg, mid, kinds))
            fname = "%0*d.eml" % (width, i + 1)
            with open(os.path.join(udir, fname), "wb") as f:
                f.write(msg)
            total += len(msg)
            manifest.append("\t".join([user, "%s/%s" % (user, fname), str(len(msg)),
                                       hashlib.sha256(msg).hexdigest(), mid or "-",
                                       ",".join(kinds)]))
    with open(os.path.join(a.outdir, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(manifest) + "\n")
    print("%d users, %d messages, %d bytes in %s" % (len(users), len(manifest) - 1, total,
                                                     a.outdir))


if __name__ == "__main__":
    sys.exit(main())
