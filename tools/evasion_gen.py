#!/usr/bin/env python3
"""evasion_gen: a seeded adversarial generator for the term matcher (issue 15).

    python3 tools/evasion_gen.py --lists examples/lists --seed 7 --per-term 6 > cases.jsonl

For every term of every list file (language from the file name: en, ur,
roman-ur, pt) it writes evasion cases of each class, one JSON object a line:

    {"class": "separators", "trick": "emoji", "lang": "en", "file": "scams.en.txt",
     "term": "free money", "text": "...", "expect": true, "span": [b, e]}

`span` is the byte span of the disguised term in `text` (UTF-8). Negatives
(`expect: false`) are words that contain a term, near misses and ordinary
text that a too eager fold would hit; a negative is a false positive when
ANY listed term is found in it.

Each class varies its tricks at random (which letters, which marks, which
look-alike alphabet, which emoji, how many), so a matcher tuned on one seed
meets other combinations on another. The tricks are written from the
description of each evasion class, not from the matcher's tables: some are
expected to fail (see docs/PERFORMANCE.md for what is not handled).
"""
import argparse
import json
import os
import random
import sys
import unicodedata

# ---- look-alike alphabets (written for this generator) -----------------------

CYRILLIC = {  # Latin letter -> Cyrillic look-alikes (lower and upper)
    "a": "аА", "b": "ЬвВ", "c": "сС", "e": "еЕ", "h": "һН", "i": "іІ", "j": "јЈ", "k": "кК",
    "m": "мМ", "o": "оО", "p": "рР", "s": "ѕЅ", "t": "тТ", "x": "хХ", "y": "уУ", "l": "ӏ",
}
GREEK = {
    "a": "αΑ", "b": "βΒ", "e": "εΕ", "h": "Η", "i": "ιΙ", "k": "κΚ", "m": "Μ", "n": "ηΝ",
    "o": "οΟ", "p": "ρΡ", "t": "τΤ", "u": "υ", "v": "ν", "x": "χΧ", "y": "γΥ", "z": "Ζ", "w": "ω",
}
MATH_STYLES = {  # name -> offset of 'A' (upper) and 'a' (lower) in the Mathematical Alphanumerics
    "bold": 0x1D400, "italic": 0x1D434, "bold_italic": 0x1D468, "script_bold": 0x1D4D0,
    "fraktur_bold": 0x1D56C, "double_struck": 0x1D538, "sans": 0x1D5A0, "sans_bold": 0x1D5D4,
    "monospace": 0x1D670,
}
MATH_HOLES = {(0x1D434, "h"): "ℎ", (0x1D538, "C"): "ℂ", (0x1D538, "H"): "ℍ", (0x1D538, "N"): "ℕ",
              (0x1D538, "P"): "ℙ", (0x1D538, "Q"): "ℚ", (0x1D538, "R"): "ℝ", (0x1D538, "Z"): "ℤ"}
SUPERSCRIPT = {"a": "ᵃ", "b": "ᵇ", "c": "ᶜ", "d": "ᵈ", "e": "ᵉ", "f": "ᶠ", "g": "ᵍ", "h": "ʰ", "i": "ⁱ",
               "j": "ʲ", "k": "ᵏ", "l": "ˡ", "m": "ᵐ", "n": "ⁿ", "o": "ᵒ", "p": "ᵖ", "r": "ʳ", "s": "ˢ",
               "t": "ᵗ", "u": "ᵘ", "v": "ᵛ", "w": "ʷ", "x": "ˣ", "y": "ʸ", "z": "ᶻ"}
SMALL_CAPS = {"a": "ᴀ", "b": "ʙ", "c": "ᴄ", "d": "ᴅ", "e": "ᴇ", "f": "ꜰ", "g": "ɢ", "h": "ʜ", "i": "ɪ",
              "j": "ᴊ", "k": "ᴋ", "l": "ʟ", "m": "ᴍ", "n": "ɴ", "o": "ᴏ", "p": "ᴘ", "r": "ʀ", "s": "ꜱ",
              "t": "ᴛ", "u": "ᴜ", "v": "ᴠ", "w": "ᴡ", "y": "ʏ", "z": "ᴢ"}
EMOJI = ["💸", "💰", "🔥", "✅", "⭐", "🎁", "👉", "❤️", "😂", "🤑", "💯", "🚀", "👍🏽", "🙏", "★", "✨", "♦", "☎"]
SEPARATOR_RUNS = {
    "double_space": ["  ", "   ", "\t", " \n "],
    "punctuation": [", ", " - ", "...", " | ", " / ", "; ", " -- ", "!!", "_", " ~ ", "،", " ۔ ", "\u3000"],
    "emoji": [" {e} ", "{e}", " {e}{e} ", "{e} "],
}
COMBINING = [chr(c) for c in range(0x0300, 0x0370) if c not in (0x034F,)]
OVERLAYS = ["\u0334", "\u0335", "\u0336", "\u0337", "\u0338", "\u0332", "\u0333"]
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EXT_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"
LEET_DIGIT = {"o": 0, "i": 1, "l": 1, "e": 3, "a": 4, "s": 5, "t": 7}
# Dotted Urdu letters that are different letters, not marks (a fold must keep them apart).
URDU_DOTTED = {"ت": "ٹ", "د": "ڈ", "ر": "ڑ", "ن": "ں", "ی": "ے"}

CONTEXT = {
    "en": (["look", "hey", "today only:", "friends,", "update -", "ok so"], ["now", "here", "today", "!!", "for you", "ok?"]),
    "pt": (["olha", "oi", "hoje:", "galera,", "atenção -"], ["agora", "aqui", "hoje", "!!", "pra você"]),
    "ur": (["دیکھو", "آج", "دوستو،", "سنو"], ["ابھی", "یہاں", "آج", "!!"]),
    "roman-ur": (["dekho", "aaj", "dosto,", "suno"], ["abhi", "yahan", "aaj", "!!"]),
}
BENIGN = {  # ordinary text that a too eager fold would hit
    "en": ["I read a book with my coffee", "Made in the U.S.A. in 1999", "options a b c and d",
           "the boot camp starts at 9", "Good food, good mood", "call me at 5", "top 10 tips for 2026",
           "I. Introduction", "see p. 4", "A.M. and P.M.", "e.g. apples, i.e. fruit", "the moon is full",
           "Всем привет, как дела", "Καλημέρα σας φίλοι", "we will win", "I will call you",
           "free parking here", "a free country", "my money, my rules", "send me the cards",
           "verify the account number", "gift wrapped", "lottery tickets are sold out", "#tbt #mondaymood"],
    "pt": ["eu li um livro", "café com leite", "a casa é nossa", "dinheiro público", "clique no link abaixo",
           "oferta de emprego", "vou te ligar", "um tiro no escuro", "EUA e U.S.A.", "opções a b c"],
    "ur": ["ان شاء اللہ", "اللہ حافظ", "یہ کتاب اچھی ہے", "قرضہ واپس کرو", "گھر جا رہا ہوں",
           "ڈاک خانہ", "ٹیلی فون", "فوری طور پر", "۲۰۲۶ میں", "ق ر آ ن"],
    "roman-ur": ["inshallah", "allah hafiz", "yeh kitab achi hai", "ghar ja raha hoon", "pass ho gaya",
                 "jaldi aana", "paisa wapis karo", "fori taur par", "karo ya maro", "account khol lo"],
}


def lang_of(fname):
    for l in ("roman-ur", "ur", "en", "pt"):
        if f".{l}." in fname:
            return l
    return "en"


def is_latin_letter(ch):
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def nfc(s):
    return unicodedata.normalize("NFC", s)


class Gen:
    def __init__(self, rng):
        self.r = rng

    def emoji(self):
        return self.r.choice(EMOJI)

    def wrap(self, lang, disguised, mark=""):
        pre, post = CONTEXT[lang]
        a = self.r.choice(pre) + " " + mark
        b = " " + self.r.choice(post)
        text = a + disguised + b
        start = len(a.encode())
        return text, [start, start + len(disguised.encode())]

    # ---- positive tricks: term -> (trick, disguised) or None ------------------
    def separators(self, term, lang):
        words = term.split()
        if len(words) < 2:
            return None
        trick = self.r.choice(list(SEPARATOR_RUNS))
        out = words[0]
        for w in words[1:]:
            run = self.r.choice(SEPARATOR_RUNS[trick]).replace("{e}", self.emoji())
            out += run + w
        return trick, out

    def repeats(self, term, lang):
        letters = [i for i, ch in enumerate(term) if ch.isalpha()]
        trick = self.r.choice(["one", "some", "every"])
        k = 1 if trick == "one" else len(letters) if trick == "every" else self.r.randint(2, max(2, len(letters) // 2))
        pick = set(self.r.sample(letters, min(k, len(letters))))
        out = "".join(ch * (self.r.randint(3, 7) if i in pick else 1) for i, ch in enumerate(term))
        return trick, out

    def diacritics(self, term, lang):
        if lang == "ur":
            return None
        trick = self.r.choice(["precomposed", "decomposed", "overlay", "stacked"])
        out = []
        for ch in term:
            if not is_latin_letter(ch) or self.r.random() < 0.3:
                out.append(ch)
                continue
            if trick == "overlay":
                out.append(ch + self.r.choice(OVERLAYS))
            elif trick == "stacked":
                out.append(ch + "".join(self.r.choice(COMBINING) for _ in range(self.r.randint(2, 3))))
            else:
                s = ch + self.r.choice(COMBINING[:0x30])
                c = nfc(s)
                out.append(c if trick == "precomposed" and len(c) == 1 else s)
        return trick, "".join(out)

    def confusables(self, term, lang):
        if lang == "ur":
            return None
        trick = self.r.choice(["cyrillic", "greek", "mixed", "upper_cyrillic"])
        table = CYRILLIC if trick in ("cyrillic", "upper_cyrillic") else GREEK if trick == "greek" else None
        out, changed = [], 0
        for ch in term:
            lo = ch.lower()
            t = table if table is not None else self.r.choice([CYRILLIC, GREEK])
            if lo in t and self.r.random() < 0.6:
                opts = t[lo]
                c = opts[-1] if trick == "upper_cyrillic" else self.r.choice(opts)
                out.append(c)
                changed += 1
            else:
                out.append(ch.upper() if trick == "upper_cyrillic" else ch)
        return (trick, "".join(out)) if changed else None

    def styled(self, term, lang):
        if lang == "ur":
            return None
        trick = self.r.choice(list(MATH_STYLES) + ["circled", "neg_circled", "squared", "neg_squared",
                                                   "fullwidth", "superscript", "small_caps", "parenthesized"])
        out = []
        for ch in term:
            lo = ch.lower()
            if not ("a" <= lo <= "z"):
                out.append(ch)
                continue
            if trick in MATH_STYLES:
                base = MATH_STYLES[trick]
                up = ch.isupper()
                key = (base, ch)
                out.append(MATH_HOLES.get(key, chr(base + (ord(ch) - 65 if up else 26 + ord(ch) - 97))))
            elif trick == "circled":
                out.append(chr(0x24D0 + ord(lo) - 97))
            elif trick == "neg_circled":
                out.append(chr(0x1F150 + ord(lo) - 97))
            elif trick == "squared":
                out.append(chr(0x1F130 + ord(lo) - 97))
            elif trick == "neg_squared":
                out.append(chr(0x1F170 + ord(lo) - 97))
            elif trick == "fullwidth":
                out.append(chr(0xFF41 + ord(lo) - 97))
            elif trick == "parenthesized":
                out.append(chr(0x249C + ord(lo) - 97))
            elif trick == "superscript":
                out.append(SUPERSCRIPT.get(lo, ch))
            else:
                out.append(SMALL_CAPS.get(lo, ch))
        return trick, "".join(out)

    def spaced(self, term, lang):
        trick = self.r.choice(["space", "dot", "dash", "mixed"])
        sep = {"space": " ", "dot": ".", "dash": "-"}.get(trick)
        words = []
        for w in term.split():
            s = sep if sep else self.r.choice([" ", ".", "-", "*"])
            words.append(s.join(w))
        between = self.r.choice(["  ", " / ", " | ", "   "])
        return trick, between.join(words)

    def inside(self, term, lang):
        words = term.split()
        idx = [i for i, w in enumerate(words) if len(w) >= 3]
        if not idx:
            return None
        trick = self.r.choice(["emoji", "two_emoji", "symbol"])
        i = self.r.choice(idx)
        w = words[i]
        cut = self.r.randint(1, len(w) - 1)
        ins = self.emoji() if trick == "emoji" else self.emoji() + self.emoji() if trick == "two_emoji" else self.r.choice("★♥✓©®§¤¢€£¥")
        words[i] = w[:cut] + ins + w[cut:]
        return trick, " ".join(words)

    def hashtag(self, term, lang):
        words = term.split()
        if len(words) < 2:
            return None
        trick = self.r.choice(["camel", "lower", "upper", "underscore"])
        if trick == "camel":
            body = "".join(w[:1].upper() + w[1:] for w in words)
        elif trick == "lower":
            body = "".join(words)
        elif trick == "upper":
            body = "".join(words).upper()
        else:
            body = "_".join(words)
        return trick, body  # the '#' is written by wrap_hashtag, outside the span

    def digits(self, term, lang):
        trick = self.r.choice(["year", "number", "leading"])
        digits = EXT_ARABIC_INDIC if lang == "ur" else "0123456789"
        num = "".join(self.r.choice(digits) for _ in range(4 if trick == "year" else self.r.randint(2, 3)))
        if lang == "ur" and trick == "year":
            num = "۲۰۲" + self.r.choice(EXT_ARABIC_INDIC)
        words = term.split()
        if trick == "leading":
            words[0] = num + words[0]
        else:
            words[-1] = words[-1] + num
        return trick, " ".join(words)

    def arabic_leet(self, term, lang):
        if lang == "ur":
            return None
        digits = self.r.choice([("arabic_indic", ARABIC_INDIC), ("extended", EXT_ARABIC_INDIC)])
        out, changed = [], 0
        words = term.split()
        for w in words:
            nw = []
            for j, ch in enumerate(w):
                # Only inside a word (letters on both sides), as leet is written.
                if 0 < j < len(w) - 1 and ch in LEET_DIGIT and self.r.random() < 0.5:
                    nw.append(digits[1][LEET_DIGIT[ch]])
                    changed += 1
                else:
                    nw.append(ch)
            out.append("".join(nw))
        return (digits[0], " ".join(out)) if changed else None

    def roman_urdu(self, term, lang):
        if lang != "roman-ur":
            return None
        trick = self.r.choice(["vowels", "consonants", "both"])
        out = []
        for w in term.split():
            s = w
            if trick in ("vowels", "both"):
                swaps = [("aa", "a"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("ai", "e"), ("e", "ai"), ("o", "au"),
                         ("a", ""), ("ya", "ia")]
                a, b = self.r.choice(swaps)
                if a in s and len(s) > 3:
                    s = s.replace(a, b, 1)
                if self.r.random() < 0.3 and s[-1] not in "aeiou":
                    s += "a"
            if trick in ("consonants", "both"):
                swaps = [("q", "k"), ("k", "q"), ("w", "v"), ("v", "w"), ("ph", "f"), ("kh", "k"), ("jj", "j")]
                a, b = self.r.choice(swaps)
                if a in s:
                    s = s.replace(a, b, 1)
            out.append(s)
        v = " ".join(out)
        return (trick, v) if v != term else None

    # ---- negatives: term -> (trick, text) -------------------------------------
    def negative(self, cls, term, lang):
        words = term.split()
        r = self.r
        kind = r.choice(["contains", "near_miss", "eager"])
        if kind == "contains":
            i = r.randrange(len(words))
            suffix = {"ur": ["ہ", "وں", "ی"], "en": ["s", "ing", "er", "ly"], "pt": ["s", "inho", "ão"],
                      "roman-ur": ["on", "yan", "wala"]}[lang]
            if r.random() < 0.5:
                words[i] = words[i] + r.choice(suffix)
            else:
                words[i] = r.choice(["un", "re", "x"] if lang != "ur" else ["بے", "نا"]) + words[i]
            return kind, " ".join(words)
        if kind == "near_miss":
            i = r.randrange(len(words))
            w = words[i]
            j = r.randrange(len(w))
            if lang == "ur":
                pool = "بپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہیے"
            else:
                pool = "bdfgjkmnpqrvwxz"
            repl = r.choice([c for c in pool if c != w[j]])
            words[i] = w[:j] + repl + w[j + 1:]
            return kind, " ".join(words)
        # Too eager fold for this class.
        if cls == "separators" and len(words) >= 2:
            filler = {"en": "honest", "pt": "muito", "ur": "اور", "roman-ur": "aur"}[lang]
            return "word_between", " ".join(words[:1] + [filler] + words[1:])
        if cls == "repeats":
            # A doubled letter is not a stretched single one, nor a single a double.
            # (Roman Urdu: vowel length is a spelling variant, so consonants only.)
            w = r.randrange(len(words))
            s = words[w]
            ok = (lambda ch: ch.isalpha() and ch not in "aeiouy") if lang == "roman-ur" else str.isalpha
            for j in range(len(s) - 1):
                if s[j] == s[j + 1] and ok(s[j]):
                    words[w] = s[:j] + s[j + 1:]
                    return "double_to_single", " ".join(words)
            j = r.choice([k for k, ch in enumerate(s) if ok(ch)] or [0])
            words[w] = s[:j] + s[j] * 2 + s[j + 1:]
            return "single_to_double", " ".join(words)
        if cls == "diacritics" and lang == "ur":
            for a, b in URDU_DOTTED.items():
                if a in term:
                    return "dotted_letter", term.replace(a, b, 1)
        if cls == "spaced":
            extra = r.choice("xzq") if lang != "ur" else "ب"
            spelled = " ".join(words[0])
            return "inside_longer_run", (extra + " " + spelled) if r.random() < 0.5 else (spelled + " " + extra)
        if cls == "hashtag" and len(words) >= 2:
            return "swapped", "#" + "".join(reversed(words))
        if cls == "confusables" and lang != "ur":
            # A look-alike that is not one: the same word with a different Cyrillic letter.
            return "non_lookalike", " ".join(w.replace(w[0], "ж", 1) for w in words)
        return "benign", r.choice(BENIGN[lang])


CLASSES = ["separators", "repeats", "diacritics", "confusables", "styled", "spaced", "inside", "hashtag",
           "digits", "arabic_leet", "roman_urdu"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lists", default="examples/lists")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-term", type=int, default=4, help="positive cases per term and class")
    ap.add_argument("--negatives", type=int, default=2, help="negative cases per term and class")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    g = Gen(rng)
    out = sys.stdout
    for fname in sorted(os.listdir(args.lists)):
        if not fname.endswith(".txt"):
            continue
        lang = lang_of(fname)
        with open(os.path.join(args.lists, fname), encoding="utf-8") as f:
            terms = [t.strip() for t in f if t.strip() and not t.strip().startswith("#")]
        for term in terms:
            for cls in CLASSES:
                made = 0
                for _ in range(args.per_term * 3):
                    if made == args.per_term:
                        break
                    res = getattr(g, cls)(term, lang)
                    if res is None:
                        break
                    trick, disguised = res
                    text, span = g.wrap(lang, disguised, "#" if cls == "hashtag" else "")
                    out.write(json.dumps({"class": cls, "trick": trick, "lang": lang, "file": fname, "term": term,
                                          "text": text, "expect": True, "span": span}, ensure_ascii=False) + "\n")
                    made += 1
                if made == 0:
                    continue
                for _ in range(args.negatives):
                    trick, neg = g.negative(cls, term, lang)
                    text, _ = g.wrap(lang, neg)
                    out.write(json.dumps({"class": cls, "trick": trick, "lang": lang, "file": fname, "term": term,
                                          "text": text, "expect": False}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
