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
    while i < len(lines):
        line = lines[i]
        m = ENTRY.match(line)
        if not m or m.group(1) == "":
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
                forms.append(lines[i])
                i += 1
            value = table.get(msgid)
            if all(f.endswith('""') for f in forms) and isinstance(value, list):
                out.extend(f"msgstr[{n}] {quote(value[min(n, len(value) - 1)])}" for n in range(len(forms)))
            else:
                out.extend(forms)
                if all(f.endswith('""') for f in forms):
                    missing.append(msgid)
            continue
        if lines[i] == 'msgstr ""' and (i + 1 >= len(lines) or not lines[i + 1].startswith('"')):
            value = table.get(msgid)
            if isinstance(value, str):
                out.append(f"msgstr {quote(value)}")
            else:
                out.append(lines[i])
                missing.append(msgid)
            i += 1
            continue
    # A fuzzy guess by makemessages is wrong more often than right: the JSON decides.
    text = "\n".join(out).replace("#, fuzzy\n", "")
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
