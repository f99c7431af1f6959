"""kb.content.sanitize: the untrusted mode's sanitiser removes every script payload a writer can put in Markdown
(articles and status.yaml update bodies) and changes nothing else that kb's Markdown writes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kb.content.markdown import MarkdownRenderer
from kb.model import Article, LinkContext, MarkdownOptions
from kb.content.sanitize import ATTRIBUTES, TAGS, URL_SCHEMES, VALUES, sanitize_html
from kbtest import CORPUS, REPO, write_tree

UNTRUSTED = MarkdownRenderer(MarkdownOptions(raw_html=False))
CONTEXT = LinkContext(urls={"billing/pay.md": "/billing/pay/"}, assets=frozenset({"billing/x.png"}))


class _Unsanitised(MarkdownRenderer):
    """The untrusted mode's renderer without its last step: raw HTML escaped, nothing sanitised."""

    sanitize = staticmethod(lambda text: text)


def _render(body: str, renderer: MarkdownRenderer = UNTRUSTED) -> str:
    article = Article(source="billing/a.md", title="A", slug="a", url="/billing/a/", category="billing",
                      section=None, body=body, body_line=4)
    return renderer.render(article, CONTEXT, "content/billing/a.md").html


# Each payload fired in Chromium (or would, on click, hover or focus) with `markdown: {raw_html: false}`.
PAYLOADS = {
    "image onerror": ('![i](x.png){: onerror="alert(1)" }', '<p><img alt="i" loading="lazy" src="/billing/x.png"></p>'),
    "paragraph onclick": ('Click me\n{: onclick="alert(2)" }', "<p>Click me</p>"),
    "overlay onmouseover": ('Hover\n{: onmouseover="alert(3)" style="position:fixed;inset:0;z-index:9" }',
                            "<p>Hover</p>"),
    "heading onclick": ('## H {: onclick="alert(4)" }',
                        '<h2 id="h">H<a class="headerlink" data-pagefind-ignore="" href="#h" '
                        'title="Link to this section">#</a></h2>'),
    "link autofocus onfocus": ('[a](https://x.org){: onfocus="alert(5)" autofocus="" tabindex="1" }',
                               '<p><a href="https://x.org">a</a></p>'),
    "decimal entity scheme": ("[g](&#106;avascript:alert(38))", "<p><a>g</a></p>"),
    "hex entity and &colon;": ("[w](&#x6A;avascript&colon;alert(40))", "<p><a>w</a></p>"),
    "reference link": ("[r][1]\n\n[1]: &#106;avascript:alert(41)", "<p><a>r</a></p>"),
    "image entity scheme": ("![e](&#106;avascript:alert(42))", '<p><img alt="e" loading="lazy"></p>'),
    "tab inside the scheme": ("[t](java&#9;script:alert(44))", "<p><a>t</a></p>"),
    "newline entity in the scheme": ("[n](java&#10;script:alert(45))", "<p><a>n</a></p>"),
    "data URL": ("[d](data&#58;text/html,<script>alert(46)</script>)", "<p><a>d</a></p>"),
    "vbscript": ("[v](&#118;bscript:msgbox(47))", "<p><a>v</a></p>"),
    "data attributes": ('Data\n{: data-pagefind-meta="title:x" data-x="y" }', "<p>Data</p>"),
    "raw HTML": ('<img src=x onerror="alert(48)">', "<p>&lt;img src=x onerror=\"alert(48)\"&gt;</p>"),
}


@pytest.mark.parametrize("name", PAYLOADS)
def test_every_payload_in_an_article_is_removed(name: str) -> None:
    body, expected = PAYLOADS[name]
    before = _render(body, _Unsanitised(MarkdownOptions(raw_html=False)))
    assert _dangerous(before) or name == "raw HTML", f"not a payload: {before}"
    assert _render(body) == expected
    assert not _dangerous(_render(body))


@pytest.mark.parametrize("name", PAYLOADS)
def test_every_payload_in_a_status_update_body_is_removed(name: str) -> None:
    body, expected = PAYLOADS[name]
    html, _ = UNTRUSTED.render_text(body, CONTEXT, "content/status.yaml", 12, "status.yaml")
    assert not _dangerous(html)
    assert html == expected.replace("/billing/x.png", "x.png")  # a status body's links start at the content root


def _dangerous(html: str) -> bool:
    """Whether the HTML holds an event handler, a style, a data attribute or a URL that is not http(s),
    mailto or relative, however it is written (the browser's own reading, by html.parser)."""
    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            for name, value in attrs:
                if name.startswith("on") or name == "autofocus":
                    found.append(name)
                if name == "style" and value not in VALUES.get(tag, {}).get("style", ()):
                    found.append(name)
                if name.startswith("data-") and name != "data-pagefind-ignore":
                    found.append(name)
                if name in ("href", "src") and value:
                    url = re.sub(r"[\t\n\r]", "", value).strip("\x00 ")
                    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
                    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                        found.append(value)

    Reader(convert_charrefs=True).feed(html)
    return bool(found)



def test_a_status_body_is_sanitised_in_a_build(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {
        "content/site.yaml": "untrusted: true\n",
        "content/billing/pay.md": "# Pay\n",
        "content/status.yaml": (
            "groups:\n  - key: g\n    name: G\n    components: [{key: api, name: API}]\n"
            "incidents:\n  - key: 2020-02-28-x\n    title: X\n    components: {api: partial_outage}\n"
            "    updates:\n      - at: 2020-02-28 10:00\n        status: investigating\n"
            "        body: \"[w](&#x6A;avascript&colon;alert(40)) ![i](https://x.org/i.png){: onerror=alert(1) }\"\n"
        ),
    })
    result = kb(["build", "--content", "content", "--out", "out", "--no-search", "--now", "2020-03-01T00:00:00Z"],
                cwd=project)
    assert result.exit_code == 0, result.stderr
    page = (project / "out" / "status" / "incidents" / "2020-02-28-x" / "index.html").read_text(encoding="utf-8")
    assert '<p><a>w</a> <img alt="i" loading="lazy" src="https://x.org/i.png"></p>' in page
    assert "onerror" not in page and "avascript" not in page


# --- the sanitiser keeps everything kb's Markdown writes ---------------------------------------------

EVERYTHING = """\
[TOC]

Intro with *em*, **strong**, `code`, a [link](pay.md "Title"), [mail](mailto:a@b.c), [site](/x/) and [anchor](#steps).
A line break  
here, and a footnote.[^1] &amp; entities &copy; 1 < 2 > 0 "quotes" 'too' and a no-break\u00a0space.

## Steps {: #steps .wide title="T" }

1. one
2. two

A list that starts at three:

3. three
4. four

- a
    - nested

> [!NOTE]
> A callout.

> A plain quote.

!!! warning "Careful"
    An admonition.

```python
x = "s" + 'c' < 3 & 4
```

    indented code

| left | centre | right |
|:-----|:------:|------:|
| 1 | `2` | 3 |

Term
: Definition

![img](x.png "t"){: width="40" height="30" .shot #pic }

---

### Third

Text {: .no-attr }

[^1]: The footnote.
"""


def test_the_sanitiser_changes_nothing_that_kb_writes() -> None:
    before = _render(EVERYTHING, _Unsanitised(MarkdownOptions(raw_html=False)))
    after = _render(EVERYTHING)
    for piece in ('<div class="toc">', '<a class="headerlink"', "<sup id=", 'class="footnote-ref"', '<div class="footnote">',
                  'class="footnote-backref"', '<div class="admonition note">', '<p class="admonition-title">',
                  '<div class="admonition warning">', '<div class="highlight"><pre tabindex="0">', '<span class="s2">',
                  '<table tabindex="0">', 'style="text-align: center;"', "<dl>", "<dd>", '<ol start="3">',
                  'loading="lazy"', 'width="40"', 'class="shot"', 'id="pic"', 'title="T"', "<br>", "<hr>", "<blockquote>"):
        assert piece in before, piece  # the text above makes each of these
    assert _dom(after) == _dom(before)


def test_allow_list_names_only_what_kb_writes() -> None:
    """No allowed tag or attribute runs script, embeds, submits or styles the page (a table cell's alignment aside)."""
    assert "script" not in TAGS and "style" not in TAGS and "iframe" not in TAGS and "form" not in TAGS
    allowed = set(ATTRIBUTES["*"]) | {a for names in ATTRIBUTES.values() for a in names}
    assert not {a for a in allowed if a.startswith("on") or a in ("style", "srcset", "formaction", "action")}
    assert VALUES["th"]["style"] == {"text-align: left;", "text-align: right;", "text-align: center;"}
    assert URL_SCHEMES == {"http", "https", "mailto", "tel"}


def test_sanitize_html_on_a_fragment() -> None:
    assert sanitize_html('<p onclick="x()">a<script>alert(1)</script><!-- c --></p>') == "<p>a</p>"
    assert sanitize_html('<a href="/rel" rel="x" target="_blank">r</a>') == '<a href="/rel">r</a>'


@pytest.mark.parametrize("which", ["example", "corpus"])
def test_the_sanitiser_is_a_no_op_on_real_articles(which: str) -> None:
    """Every article of the example, every fifth of the corpus: the sanitised HTML is the same document
    (html.parser's reading) as the unsanitised one, except for attributes and links outside the allow-list."""
    from test_content_markdown import _articles_of

    if which == "example":
        folder, every = REPO / "content", 1
    else:
        if not CORPUS.is_dir():
            pytest.skip("the ms-office-support corpus is not here")
        folder, every = CORPUS, 5
    config, articles, context = _articles_of(folder, every)
    plain, clean = _Unsanitised(MarkdownOptions(raw_html=False)), MarkdownRenderer(MarkdownOptions(raw_html=False))
    changed = {}
    for article in articles:
        before = plain.render(article, context, article.source).html
        after = clean.render(article, context, article.source).html
        removed = _removed(_dom(before), _dom(after))
        if removed:
            changed[article.source] = removed
    assert len(articles) > 40
    for source, removed in changed.items():  # only what the allow-list leaves out, never text or a tag kb writes
        for tag, name, value in removed:
            assert tag in TAGS, (source, tag)
            kept = name in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, frozenset()) or value in VALUES.get(tag, {}).get(name, ())
            assert not kept or name in ("href", "src") and re.match(r"[a-zA-Z][\w+.-]*:", value or ""), (source, name, value)
    if which == "example":
        assert changed == {}


def _dom(text: str) -> list[tuple]:
    """Start tags (with their attributes, decoded and sorted), end tags and text, as html.parser reads them."""
    events: list[tuple] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            events.append(("<", tag, tuple(sorted((k, v or "") for k, v in attrs))))

        def handle_endtag(self, tag: str) -> None:
            events.append((">", tag))

        def handle_data(self, data: str) -> None:
            if events and events[-1][0] == "text":
                events[-1] = ("text", events[-1][1] + data)
            else:
                events.append(("text", data))

    Reader(convert_charrefs=True).feed(text)
    return events


def _removed(before: list[tuple], after: list[tuple]) -> list[tuple]:
    """The attributes the sanitiser removed, as (tag, name, value); an error when anything else changed."""
    assert len(before) == len(after)
    removed = []
    for old, new in zip(before, after, strict=True):
        if old == new:
            continue
        assert old[0] == new[0] == "<" and old[1] == new[1], (old, new)
        assert set(new[2]) <= set(old[2]), (old, new)
        removed.extend((old[1], name, value) for name, value in sorted(set(old[2]) - set(new[2])))
    return removed


def test_a_phone_link_is_kept() -> None:
    from kb.content.sanitize import sanitize_html

    assert 'href="tel:+15551234567"' in sanitize_html("<p><a href=\"tel:+15551234567\">Call us</a></p>")
