#!/usr/bin/env bash
# layers: the layout's promises, checked on the source tree (TAP). The engine and the UIDL
# strategy know messages, never a protocol; drivers never read the plan; modules never
# reach up into cmd/. .ci/run runs this first, and make check runs it with every test.
set -u
cd "$(dirname "$0")/../.."
n=0 bad=0
check() {   # check DESCRIPTION GREP-OUTPUT
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "$2" | sed 's/^/# /'; bad=1; fi
}
proto='"migrate/(pop3|imap|net)/|<libetpan/'
check "engine includes no POP3, IMAP or network header" \
	"$(grep -nE "#include *($proto)" migrate/engine/*.[ch] 2>/dev/null)"
check "UIDL strategy includes no POP3, IMAP or network header" \
	"$(grep -nE "#include *($proto)" migrate/uidl/*.[ch] 2>/dev/null)"
check "message helpers include no POP3, IMAP or network header" \
	"$(grep -nE "#include *($proto)" migrate/msg/*.[ch] 2>/dev/null)"
check "drivers and the network layer never read the plan or the journal" \
	"$(grep -nE '#include *"(schedule|mapping)/' migrate/pop3/*.[ch] migrate/imap/*.[ch] migrate/net/*.[ch] migrate/driver.h 2>/dev/null)"
check "no module includes a cmd/ header" \
	"$(grep -rnE '#include *"cmd/' base schedule mapping migrate notices 2>/dev/null)"
check "every migrate source file lives in a layer folder (only driver and session at the top)" \
	"$(ls migrate/*.[ch] | grep -vE '^migrate/(driver|session)\.[ch]$')"
echo "1..$n"
exit $bad
