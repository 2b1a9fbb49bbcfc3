#!/usr/bin/env python3
"""Tidies the man pages swift-argument-parser generates, in place, so that
`man --warnings -l` is silent and each page reads well:
- blank lines in running text become paragraph macros (.Pp); an "Examples:" block
  becomes a literal display;
- the "EXIT STATUS: ..." paragraph of a tool's discussion moves into the page's
  EXIT STATUS section, replacing the generic `.Ex -std` (so the page has one);
- the `help` pseudo-subcommand entry and its empty `subcommands...` list go, and so
  does `subcommand` in the synopsis of a tool that has none.
Usage: fix-man.py PAGE.1...
"""
import sys


def fix(text):
    lines = text.split("\n")
    out, exit_status, literal = [], None, False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("EXIT STATUS: "):
            exit_status = line[len("EXIT STATUS: "):]
            i += 1
            continue
        if line == ".It Em help" and i + 5 < len(lines) and lines[i + 3] == ".It Ar subcommands...":
            # `.It Em help`, its text, `.Bl`, `.It Ar subcommands...`, `--version` item and `.El`.
            end = lines.index(".El", i)
            i = end + 1
            continue
        if line == "Examples:":
            out += ["Examples:", ".Bd -literal -offset indent"]
            literal = True
            i += 1
            continue
        if literal:
            if line.startswith("  "):
                out.append(line[2:])
                i += 1
                continue
            out.append(".Ed")
            literal = False
        if line == "":
            if out and out[-1] != ".Pp" and not out[-1].startswith((".Sh", ".Bl", ".El", ".It")):
                out.append(".Pp")
            i += 1
            continue
        out.append(line)
        i += 1
    # A paragraph break just before a list or section start is redundant (mdoc warns).
    tidy = []
    for line in out:
        if tidy and tidy[-1] == ".Pp" and line.startswith((".Sh", ".Bl", ".El", ".It", ".Pp")):
            tidy.pop()
        tidy.append(line)
    if not any(line.startswith(".It Em ") for line in tidy):
        tidy = [line for line in tidy if line != ".Ar subcommand"]
    text = "\n".join(tidy)
    if exit_status:
        text = text.replace('.Sh "EXIT STATUS"\n.Ex -std', '.Sh "EXIT STATUS"\n' + exit_status)
    return text


for path in sys.argv[1:]:
    with open(path) as f:
        fixed = fix(f.read())
    with open(path, "w") as f:
        f.write(fixed)
