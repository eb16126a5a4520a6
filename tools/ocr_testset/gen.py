#!/usr/bin/python3
"""Renders the OCR test set: Urdu (Nastaliq, Naskh), Roman Urdu and English lines over photos and
plain backgrounds, in five styles, with the ground truth beside each image.

  /usr/bin/python3 tools/ocr_testset/gen.py --out DIR [--seed N] [--photos DIR] [--per-style N]

Needs Pillow with libraqm (Debian: python3-pil, libraqm0) for Urdu shaping, and the Noto fonts
(fonts-noto-core for Nastaliq, Naskh and Noto Sans; fonts-noto-extra for Noto Sans Black and Extra
Condensed, which the meme and poster styles use: not in scripts/install-deps.sh, 330 MB installed).
eval.py's plain-tesseract column needs the tesseract CLI (tesseract-ocr). Deterministic for a given seed.

Styles:
  meme        white text with a dark outline over a photo, top and/or bottom
  screenshot  a post as an app shows it: header bar, name, 2-4 lines of dark (or, dark mode, light) text
  plain       coloured text centred on a flat or two-colour background
  degraded    a meme or screenshot, then blurred, downscaled, noised and saved as a low-quality JPEG
  poster      HELD OUT (never tuned on): tilted, yellow or red text with an outline, a translucent caption
              box, fonts the other styles do not use (Noto Sans Arabic, Noto Serif), the held-out photos
  caption     DEV set for what the poster style tests, in the tuned fonts and photos (not in the default
              --styles): text in one of 7 colours, tilted up to 5 degrees, a dark outline or (half the
              time) a translucent caption box of random darkness; tune on this, never on poster

Writes DIR/STYLE-NNN.{png,jpg} and DIR/truth.jsonl, one line an image:
  {"image": "...", "style": "...", "phrases": ["en01", ...], "lines": [{"text": ..., "bbox": [x0,y0,x1,y1]}]}
(lines top to bottom; a screenshot's interface text -- header, name, buttons -- is there too, with "ui": true)
Each style has one image per listed phrase (phrases.tsv beside this file) plus --negatives images whose
text holds no listed phrase (some near misses: words of a phrase, not the phrase) or no text at all.
"""
import argparse
import io
import json
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

HERE = os.path.dirname(os.path.abspath(__file__))
NOTO = "/usr/share/fonts/truetype/noto/"
DEJAVU = "/usr/share/fonts/truetype/dejavu/"

# Fonts by script, for the tuned styles and for the held-out poster style.
FONTS = {
    "ur": [NOTO + "NotoNastaliqUrdu-Regular.ttf", NOTO + "NotoNastaliqUrdu-Bold.ttf",
           NOTO + "NotoNaskhArabic-Regular.ttf", NOTO + "NotoNaskhArabic-Bold.ttf"],
    "latin": [NOTO + "NotoSans-Bold.ttf", NOTO + "NotoSans-Black.ttf", NOTO + "NotoSans-Regular.ttf",
              DEJAVU + "DejaVuSans-Bold.ttf", DEJAVU + "DejaVuSans.ttf"],
}
POSTER_FONTS = {
    "ur": [NOTO + "NotoSansArabic-Bold.ttf", NOTO + "NotoNastaliqUrdu-Bold.ttf"],
    "latin": [NOTO + "NotoSerif-Bold.ttf", NOTO + "NotoSans-ExtraCondensedBold.ttf"],
}

# Lines that hold no listed phrase. Some share words with phrases (near misses).
FILLER = {
    "en": ["good morning friends", "happy birthday ali", "cricket match tonight", "free parking on sunday",
           "link to the weather report", "your account settings were saved", "prize distribution ceremony",
           "share with your family", "home made food daily"],
    "ru": ["subah bakhair dosto", "chai peene chalein", "aaj mausam acha hai", "pakistan zindabad",
           "mera number save karo", "offer letter mil gaya", "ghar pohanch gaya", "bhai ki shadi hai",
           "double roti le aao"],
    "ur": ["صبح بخیر دوستو", "آج موسم اچھا ہے", "پاکستان زندہ باد", "چائے پینے چلیں", "انعام یافتہ شاعر",
           "گھر پہنچ گیا", "آج کرکٹ میچ ہے", "نمبر محفوظ کریں", "بھائی کی شادی ہے"],
}


def load_phrases():
    out = []
    with open(os.path.join(HERE, "phrases.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            pid, script, text = line.rstrip("\n").split("\t")
            out.append((pid, script, text))
    return out


def script_key(script):
    return "ur" if script == "ur" else "latin"


def font(path, size):
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def text_kwargs(script):
    return {"direction": "rtl", "language": "ur"} if script == "ur" else {"direction": "ltr", "language": "en"}


def measure(draw, text, fnt, script, stroke=0):
    return draw.textbbox((0, 0), text, font=fnt, stroke_width=stroke, **text_kwargs(script))


def fit_font(draw, text, path, size, script, max_w, stroke_frac=0.0):
    while size > 12:
        f = font(path, size)
        stroke = int(round(size * stroke_frac))
        b = measure(draw, text, f, script, stroke)
        if b[2] - b[0] <= max_w:
            return f, stroke, b
        size = int(size * 0.9)
    f = font(path, size)
    stroke = int(round(size * stroke_frac))
    return f, stroke, measure(draw, text, f, script, stroke)


def draw_line(draw, xy, text, fnt, script, fill, stroke=0, stroke_fill=None):
    """Draws text with its ink box's top-left at xy; returns the ink bbox."""
    b = measure(draw, text, fnt, script, stroke)
    x, y = xy[0] - b[0], xy[1] - b[1]
    draw.text((x, y), text, font=fnt, fill=fill, stroke_width=stroke, stroke_fill=stroke_fill,
              **text_kwargs(script))
    return [int(xy[0]), int(xy[1]), int(xy[0] + b[2] - b[0]), int(xy[1] + b[3] - b[1])]


def photo_background(rng, photos, w, h):
    path = rng.choice(photos)
    im = Image.open(path).convert("RGB")
    # Cover w x h, random crop.
    scale = max(w / im.width, h / im.height) * rng.uniform(1.0, 1.4)
    im = im.resize((max(w, int(im.width * scale)), max(h, int(im.height * scale))), Image.BICUBIC)
    x = rng.randint(0, im.width - w)
    y = rng.randint(0, im.height - h)
    return im.crop((x, y, x + w, y + h)), os.path.basename(path)


# The dev style's text colours (the poster style keeps its own three).
CAPTION_COLOURS = [(255, 210, 0), (255, 140, 0), (230, 40, 40), (60, 220, 80), (0, 210, 230), (255, 90, 200),
                   (255, 255, 255)]


def render_meme(rng, photos, lines, fonts, poster=False, caption=False):
    w = rng.choice([480, 560, 640, 720, 800])
    h = int(w * rng.uniform(0.7, 1.1))
    im, bg = photo_background(rng, photos, w, h)
    draw = ImageDraw.Draw(im)
    out = []
    slots = ["top", "bottom"] if len(lines) > 1 else [rng.choice(["top", "bottom", "middle"])]
    for (text, script), slot in zip(lines, slots):
        path = rng.choice(fonts[script_key(script)])
        size = int(w * rng.uniform(0.07, 0.11))
        f, stroke, b = fit_font(draw, text, path, size, script, int(w * 0.92), rng.uniform(0.05, 0.12))
        tw, th = b[2] - b[0], b[3] - b[1]
        x = (w - tw) // 2 + rng.randint(-int(w * 0.03), int(w * 0.03))
        x = min(max(x, 4), max(4, w - tw - 4))
        margin = int(h * rng.uniform(0.03, 0.08))
        y = margin if slot == "top" else (h - th - margin if slot == "bottom" else (h - th) // 2)
        if poster or caption:
            fill = rng.choice(CAPTION_COLOURS if caption else [(255, 230, 0), (255, 60, 40), (255, 255, 255)])
            if rng.random() < 0.5:  # a translucent caption box instead of an outline
                box = Image.new("RGBA", im.size, (0, 0, 0, 0))
                shade = (0, 0, 0, rng.randint(110, 190)) if caption else (0, 0, 0, 150)
                ImageDraw.Draw(box).rectangle([0, y - 8, w, y + th + 8], fill=shade)
                im = Image.alpha_composite(im.convert("RGBA"), box).convert("RGB")
                draw = ImageDraw.Draw(im)
                stroke = 0
            out.append({"text": text, "bbox": draw_line(draw, (x, y), text, f, script, fill, stroke, (0, 0, 0))})
        else:
            dark = rng.choice([(0, 0, 0), (20, 20, 20), (40, 30, 30)])
            out.append({"text": text, "bbox": draw_line(draw, (x, y), text, f, script, (255, 255, 255), stroke, dark)})
    if poster or caption:
        angle = rng.uniform(-5, 5) if caption else rng.uniform(-4, 4)
        im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(0, 0, 0))
        # Bboxes of rotated text: the rotated corners' hull.
        cx, cy = im.width / 2, im.height / 2
        a = math.radians(-angle)
        for line in out:
            x0, y0, x1, y1 = line["bbox"]
            pts = []
            for px, py in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
                dx, dy = px - cx, py - cy
                pts.append((cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)))
            line["bbox"] = [int(min(p[0] for p in pts)), int(min(p[1] for p in pts)),
                            int(max(p[0] for p in pts)), int(max(p[1] for p in pts))]
    return im, out, bg


def render_screenshot(rng, lines, fonts):
    w = rng.choice([480, 540, 600, 720])
    dark_mode = rng.random() < 0.3
    bg = (24, 25, 26) if dark_mode else rng.choice([(255, 255, 255), (245, 246, 248), (240, 242, 245)])
    fg = (228, 230, 235) if dark_mode else rng.choice([(20, 20, 20), (28, 30, 33), (50, 50, 60)])
    size = rng.randint(18, 30)
    line_h = int(size * 2.2)
    h = 60 + 50 + line_h * len(lines) + 60
    im = Image.new("RGB", (w, h), bg)
    draw = ImageDraw.Draw(im)
    draw.rectangle([0, 0, w, 48], fill=rng.choice([(59, 89, 152), (29, 161, 242), (7, 94, 84), (40, 40, 40)]))
    out = []
    out.append({"text": "Home", "ui": True,
                "bbox": draw_line(draw, (16, 14), "Home", font(FONTS["latin"][0], 18), "en", (255, 255, 255))})
    draw.ellipse([16, 60, 56, 100], fill=(180, 180, 190))
    name = rng.choice(["Ali Khan", "Sana", "news_pk", "Bilal 92"])
    out.append({"text": name, "ui": True, "bbox": draw_line(draw, (66, 66), name, font(FONTS["latin"][0], 16), "en", fg)})
    y = 60 + 50
    for text, script in lines:
        path = rng.choice(fonts[script_key(script)][:2] if script != "ur" else fonts["ur"])
        f, _, b = fit_font(draw, text, path, size, script, w - 40)
        tw = b[2] - b[0]
        x = w - 20 - tw if script == "ur" else 20
        out.append({"text": text, "bbox": draw_line(draw, (x, y), text, f, script, fg)})
        y += line_h
    draw.line([0, h - 40, w, h - 40], fill=(200, 200, 200) if not dark_mode else (60, 60, 60))
    out.append({"text": "Like Comment Share", "ui": True, "bbox": draw_line(
        draw, (20, h - 30), "Like   Comment   Share", font(FONTS["latin"][2], 14), "en", (120, 120, 120))})
    return im, out, "screenshot"


def render_plain(rng, lines, fonts):
    w = rng.choice([400, 500, 600, 700])
    h = int(w * rng.uniform(0.5, 0.9))
    c1 = tuple(rng.randint(0, 255) for _ in range(3))
    im = Image.new("RGB", (w, h), c1)
    if rng.random() < 0.5:  # two-colour vertical gradient
        c2 = tuple(rng.randint(0, 255) for _ in range(3))
        px = im.load()
        for y in range(h):
            t = y / max(1, h - 1)
            c = tuple(int(c1[i] * (1 - t) + c2[i] * t) for i in range(3))
            for x in range(w):
                px[x, y] = c
    mean = sum(im.resize((1, 1)).getpixel((0, 0))) / 3
    draw = ImageDraw.Draw(im)
    fg = (255, 255, 255) if mean < 128 else (0, 0, 0)
    if rng.random() < 0.4:
        fg = tuple(min(255, max(0, v + (140 if mean < 128 else -140))) for v in (rng.randint(60, 200),) * 3)
    out = []
    total = len(lines)
    for i, (text, script) in enumerate(lines):
        path = rng.choice(fonts[script_key(script)])
        f, _, b = fit_font(draw, text, path, rng.randint(28, 52), script, w - 40)
        tw, th = b[2] - b[0], b[3] - b[1]
        y = int(h * (i + 1) / (total + 1)) - th // 2
        out.append({"text": text, "bbox": draw_line(draw, ((w - tw) // 2, y), text, f, script, fg)})
    return im, out, "plain"


def degrade(rng, im):
    """Downscale (sometimes), blur, Gaussian noise, low-quality JPEG. Returns (image, bytes, scale)."""
    import numpy as np
    scale = 1.0
    if rng.random() < 0.6:
        scale = rng.uniform(0.55, 0.8)
        im = im.resize((int(im.width * scale), int(im.height * scale)), Image.BILINEAR)
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.3)))
    a = np.asarray(im).astype(np.float32)
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    a += nrng.normal(0, rng.uniform(6, 14), size=a.shape[:2])[:, :, None]
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=rng.randint(18, 40))
    return im, buf.getvalue(), scale


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--photos", default=os.path.join(HERE, "../../../shared/testdata/pdq/images"))
    ap.add_argument("--styles", default="meme,screenshot,plain,degraded,poster")
    ap.add_argument("--negatives", type=int, default=9, help="images per style without a listed phrase")
    ap.add_argument("--only", default="", help="comma-separated phrase ids (default: all)")
    args = ap.parse_args()
    if not features.check("raqm"):
        raise SystemExit("gen.py: Pillow has no libraqm: Urdu would not be shaped (apt-get install libraqm0)")
    os.makedirs(args.out, exist_ok=True)
    phrases = load_phrases()
    if args.only:
        keep = set(args.only.split(","))
        phrases = [p for p in phrases if p[0] in keep]
    photos = []
    for root, _, files in os.walk(args.photos):
        for f in sorted(files):
            if f.lower().endswith((".jpg", ".png")) and "misc-images" not in root:
                photos.append(os.path.join(root, f))
    photos.sort()
    # Held-out photos: the bridge variants and the pen; the others are the tuned styles' photos.
    held = [p for p in photos if "bridge" in p or "pen-and" in p]
    tuned = [p for p in photos if p not in held]
    truth = open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8")
    for style in args.styles.split(","):
        rng = random.Random(f"{args.seed}-{style}")
        jobs = [(pid, script, text) for pid, script, text in phrases]
        for k in range(args.negatives):
            jobs.append((None, ["en", "ru", "ur"][k % 3], None))
        for n, (pid, script, text) in enumerate(jobs):
            lines = []
            if text is not None:
                lines.append((text, script))
                if rng.random() < 0.5:  # a second line without a phrase
                    s2 = rng.choice(["en", "ru", "ur"])
                    lines.append((rng.choice(FILLER[s2]), s2))
                    if rng.random() < 0.5:
                        lines.reverse()
            elif n % 2 == 0 or style in ("screenshot", "plain"):
                lines.append((rng.choice(FILLER[script]), script))
                s2 = rng.choice(["en", "ru", "ur"])
                lines.append((rng.choice(FILLER[s2]), s2))
            # else: a photo with no text at all
            base = style
            if style == "degraded":
                base = rng.choice(["meme", "screenshot"])
            if base in ("meme", "poster", "caption"):
                im, out, bg = render_meme(rng, held if style == "poster" else tuned, lines,
                                          POSTER_FONTS if style == "poster" else FONTS, poster=(style == "poster"),
                                          caption=(style == "caption"))
            elif base == "screenshot":
                im, out, bg = render_screenshot(rng, lines or [("", "en")], FONTS)
                out = [o for o in out if o["text"]]
            else:
                im, out, bg = render_plain(rng, lines, FONTS)
            name = f"{style}-{n:03d}"
            if style == "degraded":
                im, data, scale = degrade(rng, im)
                name += ".jpg"
                with open(os.path.join(args.out, name), "wb") as f:
                    f.write(data)
                for o in out:  # degrading may have downscaled
                    o["bbox"] = [int(v * scale) for v in o["bbox"]]
            else:
                name += ".png"
                im.save(os.path.join(args.out, name))
            rec = {"image": name, "style": style, "base": base, "background": bg,
                   "phrases": [pid] if pid else [], "lines": out, "size": [im.width, im.height]}
            truth.write(json.dumps(rec, ensure_ascii=False) + "\n")
    truth.close()


if __name__ == "__main__":
    main()
