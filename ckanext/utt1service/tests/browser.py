# -*- coding: utf-8 -*-
"""Checks a browser test runs on any page: accessibility (axe-core), English
words on a Thai page, sideways scrolling; the viewports of the suite.

Use them from any browser test (the fixture ``page_checks`` of
``tests/conftest.py`` bundles them)::

    from ckanext.utt1service.tests.browser import PHONE, assert_accessible, assert_thai

    page.set_viewport_size(PHONE)
    page.goto("/my/page")
    assert_accessible(page)          # 0 critical, serious or moderate axe findings
    assert_thai(page)                # no English UI word outside ALLOWED_LATIN
    assert_no_sideways_scroll(page)

axe-core comes from npm (``tools/axe/package.json``, pinned, installed by
``bin/setup`` with ``npm ci``) and is loaded into the page under test; the
rules run are WCAG 2.0/2.1 A and AA plus axe's best practices (landmarks,
one ``h1``, …).
"""
from __future__ import annotations

import pathlib
import re
from typing import Any, Iterable

ROOT = pathlib.Path(__file__).resolve().parents[3]
AXE_JS = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: narrow, common and wide phones: no page may scroll sideways at any of them
PHONE_WIDTHS = (360, 390, 414)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("critical", "serious", "moderate")

#: Latin-script words a Thai page may show: format names, codes and proper
#: names that have no Thai form in use. Compared case-sensitively.
ALLOWED_LATIN = frozenset({
    # file formats and units
    "CSV", "PDF", "XLSX", "XLS", "JSON", "XML", "PNG", "JPEG", "JPG", "SVG", "ZIP", "DOCX", "TXT",
    "HTML", "CSS", "Excel",
    "A4",
    # codes and names of things people know by them
    "QR", "QR-Code", "O-NET", "NT", "RT", "DMC", "EMIS", "B-OBEC", "PDPA", "API", "LINE", "ID",
    "Big", "Data",
    "CKAN", "Facebook", "Google", "OK",
    # the government data catalogue the office's datasets are offered to, and
    # the text format CKAN's long fields take
    "GD", "Catalog", "GD-Catalog", "Markdown",
    # the secure web protocol, and the government's integrity and
    # transparency assessment, which Thai offices call by its initials
    # (the RoPA page names both)
    "HTTPS", "ITA",
    # the language selector names each language in itself
    "English",
})

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z]")
# what is not a word of the interface: addresses, e-mail addresses, file names
_NOT_WORDS = re.compile(
    r"https?://\S+|\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b|\b[\w.-]+\.(csv|pdf|xlsx?|json|xml|png|svg|zip|txt|docx?)\b"
    r"|(?<![\w.])\.(csv|pdf|xlsx?|json|xml|png|svg|zip|txt|docx?)\b"  # a bare extension: "(.xlsx)"
    r"|/[\w./?=&%-]+"
    r"|\bckan utt1service [a-z][\w-]*",  # a command the sysadmin types (the RoPA page)
    re.IGNORECASE,
)

# Everything a user sees or hears: visible text, and the names and hints that
# screen readers read or browsers show (aria-label, title, alt, placeholder,
# button values, the page title). Elements marked data-latin-ok hold data the
# user typed or the office named (user names, file names, addresses).
_COLLECT_TEXT = r"""
() => {
  const out = [];
  const skip = el => el.closest('script,style,noscript,template,[data-latin-ok],code,pre,kbd,samp');
  const visible = el => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden') return false;
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      || el.closest('.visually-hidden, .visually-hidden-focusable, .sr-only') !== null;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el) || !node.textContent.trim()) continue;
    if (!visible(el)) continue;
    out.push([node.textContent.trim(), el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '')]);
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[alt],[placeholder],input[type=submit][value],input[type=button][value],[aria-roledescription]')) {
    if (skip(el)) continue;
    for (const a of ['aria-label', 'title', 'alt', 'placeholder', 'aria-roledescription']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push([v.trim(), el.tagName.toLowerCase() + '@' + a]);
    }
    if (el.matches('input[type=submit],input[type=button]')) out.push([el.value, 'input@value']);
  }
  out.push([document.title, 'title']);
  return out;
}
"""


def latin_words(page: Any, allowed: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(word, where, the text it is in) of each Latin-script word on the page
    outside ALLOWED_LATIN and ``allowed`` (the page's own proper names)."""
    ok = ALLOWED_LATIN | set(allowed)
    found = []
    for text, where in page.evaluate(_COLLECT_TEXT):
        cleaned = _NOT_WORDS.sub(" ", text)
        for word in _LATIN_WORD.findall(cleaned):
            if word in ok or word.strip(".-") in ok:
                continue
            found.append((word, where, text[:80]))
    return found


def assert_thai(page: Any, allowed: Iterable[str] = ()) -> None:
    """Fails listing each English (Latin-script) word a user of the Thai page
    would see or hear, outside the allow-list."""
    found = latin_words(page, allowed)
    assert not found, f"English words on the Thai page {page.url}:\n" + "\n".join(
        f"  {word!r} in {where}: {text!r}" for word, where, text in found
    )


def axe_violations(page: Any, impacts: Iterable[str] = FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations of the page with one of ``impacts``."""
    if not AXE_JS.exists():
        raise RuntimeError(f"axe-core is missing ({AXE_JS}): run bin/setup (npm ci in tools/axe)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    wanted = set(impacts)
    return [v for v in result["violations"] if v.get("impact") in wanted]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
        if len(v["nodes"]) > 5:
            lines.append(f"      … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Any, impacts: Iterable[str] = FAILING_IMPACTS) -> None:
    """Fails on any axe-core violation (WCAG 2.1 A/AA, best practices) of
    critical, serious or moderate impact on the page as it is now."""
    violations = axe_violations(page, impacts)
    size = page.viewport_size or {}
    assert not violations, (
        f"axe-core on {page.url} at {size.get('width')} px:\n" + describe_violations(violations)
    )


def sideways_overflow(page: Any) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def assert_no_sideways_scroll(page: Any, widths: Iterable[int] = PHONE_WIDTHS) -> None:
    """The page as loaded does not scroll sideways at any phone width."""
    original = page.viewport_size
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            overflow = sideways_overflow(page)
            assert overflow <= 0, (
                f"{page.url} scrolls sideways by {overflow} px at {width} px wide: "
                + ", ".join(widest_elements(page))
            )
    finally:
        if original:
            page.set_viewport_size(original)


def widest_elements(page: Any, limit: int = 5) -> list[str]:
    """The elements that reach past the right edge (to say what to fix)."""
    return page.evaluate(
        """(limit) => {
          const w = document.documentElement.clientWidth, out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 0.5 && r.width > 0) {
              out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                + ' → ' + Math.round(r.right));
            }
          }
          return out.slice(-limit);
        }""",
        limit,
    )


def check_page(page: Any, *, thai: bool = True, allowed: Iterable[str] = ()) -> None:
    """Every check of this module on the page as it is now: axe at the page's
    viewport, English words when ``thai``, and (on a phone viewport) no
    sideways scroll."""
    assert_accessible(page)
    if thai:
        assert_thai(page, allowed)
    if (page.viewport_size or {}).get("width", 9999) <= 414:
        assert_no_sideways_scroll(page)


def log_in(page: Any, name: str, password: str) -> None:
    """Log ``page`` in through CKAN's own login form and return once the
    browser has landed on the page after it.

    Waiting for a load event after the click is not enough: it can resolve on
    the login page itself before the form is posted, and the next ``goto``
    then cancels the login (the test goes on as an anonymous visitor)."""
    page.goto("/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", password)
    page.locator("#field-password").press("Enter")
    page.wait_for_url(lambda url: "/user/login" not in url)
    page.wait_for_load_state()
