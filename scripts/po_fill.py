#!/usr/bin/env python3
"""Fill empty translations in a .po file from a JSON object {msgid: msgstr | [singular, plural]}.

Usage: scripts/po_fill.py locale/id/LC_MESSAGES/django.po translations.json
Run `manage.py makemessages -l id --no-wrap --no-location` first; entries already
translated are left alone, and the msgids still untranslated are printed at the end.
"""

from __future__ import annotations

import json
import re
import sys

ENTRY = re.compile(r'^msgid "(.*)"$')


def unquote(s: str) -> str:
    return json.loads(f'"{s}"')


def quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main(po_path: str, json_path: str) -> int:
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    lines = open(po_path, encoding="utf-8").read().split("\n")
    out: list[str] = []
    missing: list[str] = []
    i = 0
    fuzzy = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("#,") and "fuzzy" in line:
            # makemessages guessed from a similar string: that guess is wrong more often than right.
            fuzzy = True
            rest = ", ".join(f for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy")
            if rest:
                out.append(f"#, {rest.strip()}")
            i += 1
            continue
        if line.startswith("#| "):
            i += 1
            continue
        m = ENTRY.match(line)
        if not m or m.group(1) == "":
            if m:
                fuzzy = False  # the header entry
            out.append(line)
            i += 1
            continue
        msgid = unquote(m.group(1))
        out.append(line)
        i += 1
        if lines[i].startswith("msgid_plural"):
            out.append(lines[i])
            i += 1
            forms = []
            while i < len(lines) and lines[i].startswith("msgstr["):
                forms.append(lines[i].split(" ", 1)[0] + ' ""' if fuzzy else lines[i])
                i += 1
            fuzzy = False
            value = table.get(msgid)
            if all(f.endswith('""') for f in forms) and isinstance(value, list):
                out.extend(f"msgstr[{n}] {quote(value[min(n, len(value) - 1)])}" for n in range(len(forms)))
            else:
                out.extend(forms)
                if all(f.endswith('""') for f in forms):
                    missing.append(msgid)
            continue
        if fuzzy and lines[i].startswith("msgstr ") and msgid != "":
            while i + 1 < len(lines) and lines[i + 1].startswith('"'):
                i += 1
            lines[i] = 'msgstr ""'
        fuzzy = False
        if lines[i] == 'msgstr ""' and (i + 1 >= len(lines) or not lines[i + 1].startswith('"')):
            value = table.get(msgid)
            if isinstance(value, str):
                out.append(f"msgstr {quote(value)}")
            else:
                out.append(lines[i])
                missing.append(msgid)
            i += 1
            continue
    text = "\n".join(out)
    text = text.replace(
        '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"'
    )
    with open(po_path, "w", encoding="utf-8") as fh:
        fh.write(text)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
