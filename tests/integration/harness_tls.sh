#!/usr/bin/env bash
# harness_tls.sh: the harness's certificates (own CA; good, self-signed, expired, wrong
# name) and servers presenting them, checked by OpenSSL, Python's ssl and the project's
# own verifier (migrate/tlsverify through etpan_login -c) after implicit TLS and STARTTLS.
# shellcheck disable=SC2154 # ${NAME}_PORT variables are exported by lib.sh
set -u
. "$(dirname "$0")/../harness/lib.sh"
harness_init
etpan() { h_etpan "$@"; }
quiet() { "$@" >/dev/null 2>&1; }

harness_certs
tap_ok "certificates made" test -s "$H_CA" -a -s "$H_CERT_GOOD" -a -s "$H_CERT_EXPIRED" -a -s "$H_CERT_WRONGNAME" -a -s "$H_CERT_SELF"
tap_ok "good certificate verifies against the test CA" \
	quiet openssl verify -CAfile "$H_CA" -verify_ip 127.0.0.1 "$H_CERT_GOOD"
tap_not "expired certificate does not verify" quiet openssl verify -CAfile "$H_CA" "$H_CERT_EXPIRED"
tap_not "wrong-name certificate does not verify for 127.0.0.1" \
	quiet openssl verify -CAfile "$H_CA" -verify_ip 127.0.0.1 "$H_CERT_WRONGNAME"

dovecot_start src source
dovecot_start dst dest
dovecot_add_user src alice 'al1ce-old'
dovecot_add_user dst alice 'al1ce-new'

# TLS: the servers present the chosen certificate.
tls_check() { # PORT CAFILE -> 0 if verification for 127.0.0.1 succeeds
	"$H_PY" -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as s:
    with ctx.wrap_socket(s, server_hostname="127.0.0.1"):
        pass' "$1" "$2" 2>/dev/null
}
tap_ok "IMAPS certificate verifies against H_CA" tls_check "$dst_IMAPS" "$H_CA"
tap_not "POP3S certificate does not verify against another CA" tls_check "$src_POP3S" "$H_CA_OTHER"
# The same, as the project verifies (migrate/tlsverify through etpan_login -c): before
# credentials are sent, after implicit TLS and after STARTTLS/STLS.
tap_is "$(etpan 'al1ce-new' -c "$H_CA" -t implicit imap 127.0.0.1 "$dst_IMAPS" alice | head -n 1)" \
	"count 0" "tlsverify accepts the good certificate (IMAPS)"
tap_is "$(etpan 'al1ce-old' -c "$H_CA" -t starttls pop3 localhost "$src_POP3" alice | head -n 1)" \
	"count 0" "tlsverify accepts it for localhost too (STLS)"
tap_ok "tlsverify rejects it against another CA" \
	grep -q '^fail tls:' <<<"$(etpan x -c "$H_CA_OTHER" -t implicit imap 127.0.0.1 "$dst_IMAPS" alice)"
for c in expired self wrongname; do
	tap_ok "a server with the $c certificate starts" dovecot_start "c_$c" source "$c"
	tap_not "the $c certificate fails verification (python ssl)" tls_check "$(h_var "c_${c}_IMAPS")" "$H_CA"
	tap_ok "tlsverify rejects the $c certificate after STARTTLS" grep -q '^fail tls:' \
		<<<"$(etpan x -c "$H_CA" -t starttls imap 127.0.0.1 "$(h_var "c_${c}_IMAP")" alice)"
	dovecot_stop "c_$c"
done

tap_done
