"""docs_help: the manual page and README against the binary's own --help (TAP).

Every command `cutover --help` lists has an entry in docs/cutover.1's COMMANDS and a line
in its SYNOPSIS, and the other way round; each command's options (parsed from
`cutover help COMMAND`, so an option added later is caught) are the options of its man
entry plus those of OPTIONS (first every command's, then after a .SS heading or .PP
paragraph naming commands, theirs), with the same short forms, and the man page names no option
the command lacks. The exit codes: `cutover --help`'s table,
README's table and the man page's EXIT STATUS are the same codes with the same words.

usage: docs_help.py CUTOVER ROOT
"""
import re
import subprocess
import sys

cutover, root = sys.argv[1], sys.argv[2]
n = 0
failed = False


def check(name, problems):
    """One TAP line: ok when problems (a list of strings) is empty."""
    global n, failed
    n += 1
    if problems:
        failed = True
        print("not ok %d - %s" % (n, name))
        for p in problems:
            print("# " + p)
    else:
        print("ok %d - %s" % (n, name))


def run(*args):
    return subprocess.run([cutover, *args], capture_output=True, text=True, check=True).stdout


def roff_text(s):
    """A roff line as a reader sees it: fonts, quotes and escapes gone."""
    s = re.sub(r"^\.(B|I|BI|IB|BR|RB|IR|RI)\s+", "", s)
    s = s.replace('"', "")
    s = re.sub(r"\\f[BIRP]", "", s)
    return s.replace(r"\-", "-").replace(r"\(em", "—").replace(r"\(->", "→")


# ---- the binary ----
top = run("--help")
commands = re.findall(r"^  ([a-z][a-z-]*) ", top.split("Commands:\n", 1)[1].split("\n\n", 1)[0], re.M)
exits_help = {int(c): t.strip() for c, t in re.findall(r"^ +(\d+)  (.+)$", top.split("Exit codes:\n", 1)[1], re.M)}
help_opts = {}   # command -> {long: short or None}
for c in commands:
    opts = run("help", c).split("\nOptions:\n", 1)[1]
    help_opts[c] = {m.group(2): m.group(1) for m in re.finditer(r"^  (?:-(\w), )?\s*--([\w-]+)", opts, re.M)}

# ---- the manual page ----
man = open(root + "/docs/cutover.1", encoding="utf-8").read().split("\n")
sections, cur = {}, None
for line in man:
    if line.startswith(".SH "):
        cur = line[4:].strip('"')
        sections[cur] = []
    elif cur:
        sections[cur].append(line)


def tags(lines):
    """(depth, tag line) for every .TP tag; depth counts .RS nesting."""
    depth, out = 0, []
    for i, line in enumerate(lines):
        if line.startswith(".RS"):
            depth += 1
        elif line.startswith(".RE"):
            depth -= 1
        elif line.startswith(".TP") and i + 1 < len(lines):
            out.append((depth, lines[i + 1], i + 1))
    return out


def tag_opts(tag):
    """{long: short or None} named in one tag line (\\-x, \\-\\-name)."""
    longs = [lo.replace("\\-", "-") for lo in re.findall(r"\\-\\-((?:[a-z0-9]|\\-)+)", tag)]
    shorts = re.findall(r"(?<!\\-)\\-([a-zA-Z])(?![\w])", tag)
    return {lo: (shorts[0] if shorts else None) for lo in longs}


man_cmd_opts, man_cmds, cmd = {}, [], None
for depth, tag, _ in tags(sections.get("COMMANDS", [])):
    m = re.match(r'^\.B[IR]?\s+"?([a-z][a-z-]*)', tag)
    if depth == 0 and m:
        cmd = m.group(1)
        man_cmds.append(cmd)
        man_cmd_opts.setdefault(cmd, {})
    elif depth > 0 and cmd:
        man_cmd_opts[cmd].update(tag_opts(tag))
# OPTIONS: options of every command first; after a .SS heading or a .PP paragraph that
# names commands ("dry-run, run and verify also accept:"), options of those commands only.
man_common, man_group, group = {}, {}, None
opt_lines = sections.get("OPTIONS", [])
for i, line in enumerate(opt_lines):
    if line.startswith((".SS", ".PP")):
        text = [line[3:]] if line.startswith(".SS") else []
        for nxt in opt_lines[i + 1:]:
            if nxt.startswith((".TP", ".SS", ".PP")):
                break
            text.append(roff_text(nxt))
        words = re.split(r"[\s,()\"]+", " ".join(text))
        group = [c for c in commands if c in words] or None
    elif line.startswith(".TP") and i + 1 < len(opt_lines):
        opts = tag_opts(opt_lines[i + 1])
        for c in (commands if group is None else group):
            man_group.setdefault(c, {}).update(opts)
        if group is None:
            man_common.update(opts)
synopsis = set(re.findall(r"^\.B cutover ([a-z][a-z-]*)", "\n".join(sections.get("SYNOPSIS", [])), re.M))

check("every command of --help has a man entry",
      ["no man entry for '%s'" % c for c in commands if c not in man_cmds])
check("every man entry is a command of --help (or help itself)",
      ["man entry '%s' is no command" % c for c in man_cmds if c not in commands + ["help"]])
check("every command is in the SYNOPSIS",
      ["'%s' missing from SYNOPSIS" % c for c in commands if c not in synopsis])
for c in commands:
    mine = dict(man_group.get(c, {}), **man_cmd_opts.get(c, {}))
    problems = ["--%s is in 'cutover help %s' but not in the man page" % (o, c)
                for o in help_opts[c] if o not in mine]
    problems += ["-%s, --%s: the man page gives %s" % (s, o, "-" + mine[o] if mine[o] else "no short form")
                 for o, s in help_opts[c].items() if o in mine and s != mine[o]]
    problems += ["the man page's %s lists --%s, which the command does not have" % (c, o)
                 for o in man_cmd_opts.get(c, {}) if o not in help_opts[c]]
    problems += ["OPTIONS says every command accepts --%s; %s does not" % (o, c)
                 for o in man_common if o not in help_opts[c]]
    check("man page options of %s = its --help options" % c, problems)

# ---- exit codes ----
exits_man, st = {}, sections.get("EXIT STATUS", [])
for depth, tag, i in tags(st):
    m = re.match(r"^\.B (\d+)$", tag)
    if m:
        body = []
        for line in st[i + 1:]:
            if line.startswith((".TP", ".SH", ".PP")):
                break
            body.append(roff_text(line))
        exits_man[int(m.group(1))] = " ".join(body)
readme = open(root + "/README.md", encoding="utf-8").read()
exit_rows = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0] if "## Exit codes" in readme else ""
exits_readme = {int(c): t.strip().replace("\\|", "|").replace("`", "")
                for c, t in re.findall(r"^\| *(\d+) *\| *(.+?) *\|$", exit_rows, re.M)}

check("--help lists exit codes", [] if len(exits_help) >= 5 else ["only %d codes parsed" % len(exits_help)])
check("README's exit codes = --help's",
      ["%s: README %r, --help %r" % (c, exits_readme.get(c), exits_help.get(c))
       for c in sorted(set(exits_help) | set(exits_readme)) if exits_readme.get(c) != exits_help.get(c)])
check("the man page's exit codes = --help's (each entry starts with --help's words)",
      ["%s: man %r, --help %r" % (c, exits_man.get(c), exits_help.get(c))
       for c in sorted(set(exits_help) | set(exits_man))
       if c not in exits_help or not (exits_man.get(c) or "").startswith(exits_help[c])])
print("1..%d" % n)
sys.exit(1 if failed else 0)
