#!/usr/bin/env python3
"""Generates examples/posts.jsonl (accounts and ~2,000 posts) and
examples/expected.json (the action each post should get under
examples/policy.yaml), deterministically.

The expected actions come from what this script planted in each post and a
plain re-statement of the example policy's rules, not from the scanner, so
the end-to-end test can check the scanner against them. Evasions planted:
upper case, zero-width characters, fullwidth forms, leet, Cyrillic
look-alikes, stretched letters, decomposed accents, and for Urdu script:
tatweel, harakat, Arabic/Farsi letter variants and ZWNJ.
"""
import json
import os
import random
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")
rng = random.Random(20261128)

def read_terms(name):
    path = os.path.join(EXAMPLES, "lists", name)
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]

LANGS = ["en", "ur", "ur-Latn", "pt"]
LIST_FILES = {
    "threats": {"en": "threats.en.txt", "ur": "threats.ur.txt", "ur-Latn": "threats.roman-ur.txt", "pt": "threats.pt.txt"},
    "scam_terms": {"en": "scams.en.txt", "ur": "scams.ur.txt", "ur-Latn": "scams.roman-ur.txt", "pt": "scams.pt.txt"},
}
TERMS = {lst: {lang: read_terms(f) for lang, f in files.items()} for lst, files in LIST_FILES.items()}
spam_ur = read_terms("spam.ur.txt")
TERMS["spam_terms"] = {
    "en": read_terms("spam.en.txt"),
    "ur": [t for t in spam_ur if not t.isascii()],
    "ur-Latn": [t for t in spam_ur if t.isascii()],
    "pt": read_terms("spam.pt.txt"),
}

# Benign sentences with a slot {} where a planted phrase goes (or nothing).
TEMPLATES = {
    "en": ["Hey everyone, {} see you at the market tomorrow.",
           "Morning update: {} the bridge is closed for repairs.",
           "Quick note to the group - {} meeting moved to Friday.",
           "{} Just saw the news about the cricket final, what a match!",
           "Reminder for parents: {} school closes early on Thursday."],
    "ur": ["سب دوستوں کو سلام، {} کل بازار میں ملاقات ہوگی۔",
           "آج کی خبر: {} پل مرمت کے لیے بند ہے۔",
           "{} کرکٹ میچ بہت زبردست تھا۔",
           "والدین کے لیے اطلاع: {} اسکول جمعرات کو جلدی بند ہوگا۔"],
    "ur-Latn": ["Sab doston ko salam, {} kal bazaar mein milte hain.",
                "Aaj ki khabar: {} pul marammat ke liye band hai.",
                "{} cricket match bohat zabardast tha yaar.",
                "Walidain ke liye ittela: {} school jumeraat ko jaldi band hoga."],
    "pt": ["Bom dia a todos, {} nos vemos na feira amanhã.",
           "Atualização: {} a ponte está fechada para reparos.",
           "Recado para o grupo: {} a reunião mudou para sexta.",
           "{} Que jogo incrível ontem no Maracanã!"],
}
# Near misses: look like a term but must NOT match as whole words.
NEAR_MISSES = {
    "en": ["free moneyball tickets", "the lottery winners list", "clicked here twice", "buy followership"],
    "ur": ["فوری قرضہ اسکیم پر بات", "لاٹری جیتیں گے؟"],
    "ur-Latn": ["paise doubled", "goli maar dungi nahi"],
    "pt": ["clique aquilo", "dinheiro fácilmente"],
}
REGIONS = {"en": ["US", "GB", "PK", "IN"], "ur": ["PK", "PK", "PK", "IN"], "ur-Latn": ["PK", "PK", "IN"], "pt": ["BR", "BR", "PT"]}
CLD_LANG = {"en": "en", "ur": "ur", "ur-Latn": "ur", "pt": "pt"}

CYRILLIC = {"a": "\u0430", "o": "\u043e", "e": "\u0435", "p": "\u0440", "c": "\u0441"}
LEET = {"o": "0", "e": "3", "a": "4", "i": "1", "s": "5", "t": "7"}

def evade_latin(term):
    kind = rng.choice(["none", "none", "upper", "zwsp", "fullwidth", "leet", "cyrillic", "stretch", "nfd"])
    if kind == "upper":
        return term.upper()
    if kind == "zwsp":
        words = term.split(" ")
        i = max(range(len(words)), key=lambda k: len(words[k]))
        w = words[i]
        words[i] = w[:1] + "\u200b" + w[1:]
        return " ".join(words)
    if kind == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in term)
    if kind == "leet":
        out = []
        for w in term.split(" "):
            if len(w) >= 3:
                chars = list(w)
                idx = [k for k, c in enumerate(chars) if c in LEET]
                for k in idx[: len(idx) // 2 or 1][:2]:
                    chars[k] = LEET[chars[k]]
                if any(c.isalpha() for c in chars):
                    w = "".join(chars)
            out.append(w)
        return " ".join(out)
    if kind == "cyrillic":
        out = []
        for w in term.split(" "):
            chars = list(w)
            idx = [k for k, c in enumerate(chars) if c in CYRILLIC]
            if idx and len(chars) - 1 > 0:
                k = idx[0]
                chars[k] = CYRILLIC[chars[k]]
                if any(c.isascii() and c.isalpha() for c in chars):
                    w = "".join(chars)
            out.append(w)
        return " ".join(out)
    if kind == "stretch":
        for k in range(len(term) - 1):
            if term[k] == term[k + 1] and term[k].isalpha():
                return term[:k] + term[k] * 5 + term[k + 2:]
        return term
    if kind == "nfd":
        return unicodedata.normalize("NFD", term)
    return term

URDU_VARIANTS = {"\u06cc": "\u064a", "\u06a9": "\u0643", "\u06c1": "\u0647"}  # yeh, keheh, heh goal -> Arabic

def evade_arabic(term):
    kind = rng.choice(["none", "none", "tatweel", "harakat", "variants", "zwnj"])
    if kind == "tatweel":
        words = term.split(" ")
        w = words[0]
        words[0] = w[:1] + "\u0640\u0640" + w[1:]
        return " ".join(words)
    if kind == "harakat":
        return term[:1] + "\u064e" + term[1:]
    if kind == "variants":
        return "".join(URDU_VARIANTS.get(c, c) for c in term)
    if kind == "zwnj":
        words = term.split(" ")
        w = words[-1]
        words[-1] = w[:1] + "\u200c" + w[1:]
        return " ".join(words)
    return term

def evade(term, lang):
    return evade_arabic(term) if lang == "ur" else evade_latin(term)

def sentence(lang, inserts):
    t = rng.choice(TEMPLATES[lang])
    body = " ".join(inserts)
    if inserts:
        body += "!" if lang != "ur" else "۔"
    return t.format(body + " " if body else "").replace("  ", " ").strip()

def main():
    accounts = []
    start = 1793491200  # 2026-11-01T00:00:00Z
    for i in range(250):
        new = i % 5 == 0
        created = start - (rng.randint(1, 10) * 86400 if new else rng.randint(90, 2000) * 86400)
        accounts.append({"kind": "account", "id": f"a{i:03d}", "created": created, "country": rng.choice(["PK", "PK", "IN", "BR", "US", "GB", "AF", "DE"]), "new": new})

    posts, expected = [], {}
    for n in range(2000):
        pid = f"p{n:04d}"
        lang = rng.choice(LANGS)
        acct = rng.choice(accounts) if rng.random() < 0.9 else None
        # Ages stay well inside their bands: new accounts post within 20 days
        # of creation (< 30), old ones are at least 90 days old.
        ts = (acct["created"] if acct and acct["new"] else start) + rng.randint(3600, 20 * 86400)
        region = rng.choice(REGIONS[lang])
        r = rng.random()
        inserts = []
        if r < 0.55:
            intent = "benign"
            if rng.random() < 0.15:
                inserts.append(rng.choice(NEAR_MISSES[lang]))
        elif r < 0.63:
            intent = "threat"
            inserts.append(evade(rng.choice(TERMS["threats"][lang]), lang))
            if rng.random() < 0.2:  # a threat that also carries spam: the threat rule comes first
                inserts.append(rng.choice(TERMS["spam_terms"][lang]))
        elif r < 0.80:
            intent = "scam"
            inserts.append(evade(rng.choice(TERMS["scam_terms"][lang]), lang))
        elif r < 0.92:
            intent = "spam1"
            inserts.append(evade(rng.choice(TERMS["spam_terms"][lang]), lang))
        else:
            intent = "spam2"
            a, b = rng.sample(TERMS["spam_terms"][lang], 2)
            inserts += [evade(a, lang), evade(b, lang)]
        text = sentence(lang, inserts)

        if intent == "threat":
            action, category = "remove", "violence"
        elif intent == "scam":
            if acct and acct["new"]:
                action = "suspend_account"
            elif region == "PK":
                action = "withhold"
            else:
                action = "review"
            category = "scams_and_fraud"
        elif intent == "spam2":
            action, category = "remove", "other_violation_tc"
        elif intent == "spam1":
            action, category = "label", "other_violation_tc"
        else:
            action, category = "allow", ""
        post = {"kind": "post", "id": pid}
        if acct:
            post["account"] = acct["id"]
        post["ts"] = ts
        if rng.random() < 0.7:
            post["lang"] = CLD_LANG[lang]
        post["text"] = text
        post["region"] = region
        post["topic"] = rng.choice(["local", "sports", "finance", "community"])
        posts.append(post)
        expected[pid] = {"action": action, "category": category}

    def iso(t):
        import datetime
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    with open(os.path.join(EXAMPLES, "posts.jsonl"), "w", encoding="utf-8") as f:
        for a in accounts:
            f.write(json.dumps({"kind": "account", "id": a["id"], "created": iso(a["created"]), "country": a["country"]}, ensure_ascii=False) + "\n")
        for p in posts:
            p = dict(p)
            p["ts"] = iso(p["ts"])
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    by_action, by_category = {}, {}
    for e in expected.values():
        by_action[e["action"]] = by_action.get(e["action"], 0) + 1
        if e["category"]:
            by_category[e["category"]] = by_category.get(e["category"], 0) + 1
    with open(os.path.join(EXAMPLES, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"policy": "examples@1", "posts": len(posts), "by_action": dict(sorted(by_action.items())),
                   "by_category": dict(sorted(by_category.items())), "decisions": expected}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(json.dumps({"by_action": by_action, "by_category": by_category}))

if __name__ == "__main__":
    main()
