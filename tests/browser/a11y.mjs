// The accessibility checks every dashboard page must pass (shared by the
// browser tests): WCAG-style structure, names, contrast, no sideways scroll.

import assert from 'node:assert/strict';

// WCAG-style checks a page must pass: a language, one h1 and no skipped
// heading level, a label on every control, a name on every button and link,
// a title on every chart, text contrast >= 4.5:1 (3:1 for large text), and
// nothing wider than the viewport.
export async function accessibilityProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    if (!document.documentElement.lang) problems.push('<html> has no lang');
    const h1 = document.querySelectorAll('h1').length;
    if (h1 !== 1) problems.push(`${h1} <h1> elements`);
    let last = 0;
    for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
      const level = Number(el.tagName[1]);
      if (last && level > last + 1) problems.push(`heading jumps from h${last} to h${level}: "${el.textContent}"`);
      last = level;
    }
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!named) problems.push(`control without a label: ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!(el.getAttribute('aria-label') || el.textContent).trim()) problems.push(`nameless ${el.tagName}: ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll('svg[role=img]')) {
      if (!el.querySelector('title')) problems.push('chart without a <title>');
    }
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const seen = new Set();
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('svg') || !el.checkVisibility || !el.checkVisibility()) continue;
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      if (!text) continue;
      const style = getComputedStyle(el);
      if (parseFloat(style.opacity) < 1 || el.closest('[disabled]') || el.closest('.visually-hidden')) continue;
      const fg = rgb(style.color).slice(0, 3);
      const bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const key = `${style.color}|${bg}|${need}`;
      if (ratio < need && !seen.has(key)) {
        seen.add(key);
        problems.push(`contrast ${ratio.toFixed(2)} < ${need} for "${text.slice(0, 40)}" (${style.color} on rgb(${bg}))`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      problems.push(`page is wider than the viewport: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    return problems;
  });
}

export async function assertAccessible(page, what) {
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `${what}: accessibility problems`);
}
