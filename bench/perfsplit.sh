# bench/perfsplit.sh, sourced by bench/run.sh when BENCH_PERF=1: where each tool's CPU goes.
#
# Both Dovecots run the same imap and pop3 binaries, so a system-wide profile could not tell
# the source's sessions from the destination's. Each server therefore starts its sessions
# through a symlink of its own (srcimap, srcpop3, dstimap, dstpop3: the kernel names a
# process after the file it was started from); perf then samples the whole machine while a
# tool runs and this splits the samples by process: the tool, the source's sessions, the
# destination's, and the login processes of both (imap-login, pop3-login: one per
# connection), with each one's hottest functions. cpu-clock sampling, so it works where the
# CPU's counters are not available (virtual machines).

# perfsplit_conf SIDE: the service lines that rename SIDE's session processes.
perfsplit_conf() {
	local side=$1 p
	for p in imap pop3; do
		ln -sf "/usr/lib/dovecot/$p" "$H_DIR/$side$p"
		printf 'service %s {\n  executable = %s\n}\n' "$p" "$H_DIR/$side$p"
	done
}

# perfsplit_start LABEL: sample every CPU until perfsplit_stop.
perfsplit_start() {
	perf record -q -a -e cpu-clock -F 997 -o "$H_DIR/perf.$1.data" >/dev/null 2>&1 &
	perfsplit_pid=$!
	sleep 0.3   # perf needs a moment to open its buffers
}

# perfsplit_stop: end the sampling.
perfsplit_stop() {
	kill -INT "$perfsplit_pid" 2>/dev/null
	wait "$perfsplit_pid" 2>/dev/null
}

# perfsplit_print LABEL CLIENT_COMM_REGEX: the split of LABEL's samples.
perfsplit_print() {
	local label=$1 client=$2 data=$H_DIR/perf.$1.data
	[ -s "$data" ] || { say "  perf: no samples for $label"; return; }
	perf report -i "$data" --no-children --sort comm,sym --stdio -g none 2>/dev/null |
		awk -v label="$label" -v client="$client" '
		/^#/ || NF < 4 { next }
		{
			pct = $1; sub("%", "", pct); comm = $2
			sym = ""; for (i = 4; i <= NF; i++) sym = sym (i > 4 ? " " : "") $i
			if (comm ~ "^(" client ")$") cls = "client"
			else if (comm ~ /^src(imap|pop3)$/) cls = "source"
			else if (comm ~ /^dst(imap|pop3)$/) cls = "destination"
			else if (comm ~ /-login$/) cls = "logins"
			else if (comm == "swapper") cls = "idle"
			else cls = "other"
			share[cls] += pct
			if (cls != "idle" && cls != "other" && n[cls] < 5) { top[cls] = top[cls] sep[cls] sym " " pct "%"; sep[cls] = ", "; n[cls]++ }
		}
		END {
			printf "  %s CPU split (%% of all samples): client %.1f, source %.1f, destination %.1f, logins %.1f, other %.1f, idle %.1f\n",
			    label, share["client"], share["source"], share["destination"], share["logins"], share["other"], share["idle"]
			split("client source destination logins", c, " ")
			for (i = 1; i <= 4; i++) if (top[c[i]] != "") printf "    %-11s %s\n", c[i], top[c[i]]
		}' | while IFS= read -r line; do say "$line"; done
}
