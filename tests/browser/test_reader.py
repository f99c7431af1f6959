"""What a reader sees: the example site in headless Chromium.

Expected values (titles, summaries, dates, tags, topics, URLs) are what kb's own
loader made of the content folder (the `content` fixture, tests/support/expect.py):
these tests check that it reaches the reader's page, and how the page shows it.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import unicodedata
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

BILLING = "Billing"
FLEX = "How are Flex Agents billed?"
# An article with a table, code, callouts, an image, a long table of contents and cross-links.
RICH = "Support Center/Themes/customize-your-theme.md"
HOME_ARTICLES = 5
EXCERPT_MAX = 201  # 200 characters plus the ellipsis
PLAIN_LANGUAGES = {"text", "txt", "plain", "plaintext", "csv", "none"}

# Visible text blocks of <main>, for comparing two renderings of a page.
TEXT_BLOCKS_JS = """() => Array.from(document.querySelectorAll(
    'main :is(h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,pre,figcaption,caption)'))
  .map(e => e.innerText.replace(/\\s+/g, ' ').trim()).filter(Boolean)"""


# -------------------------------------------------------------------- helpers


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def open_page(page, server: str, path: str, status: int = 200):
    response = page.goto(server + path, wait_until="load")
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"GET {path}: HTTP {response.status}, expected {status}"
    return response


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def click_and_wait(page, link) -> str:
    """Click a same-site link and wait for the page it points to; return that path."""
    href = link.get_attribute("href")
    assert href, "link without href"
    target = path_of(urllib.parse.urljoin(page.url, href))
    link.click()
    page.wait_for_url(lambda url: path_of(url) == target)
    page.wait_for_load_state("load")
    return target


def h1_text(page) -> str:
    """The page's <h1> without badges such as "Draft"."""
    return norm(page.locator("main h1").first.evaluate(
        "h => { const c = h.cloneNode(true); c.querySelectorAll('.badge').forEach(b => b.remove());"
        " return c.textContent; }"))


def url_of(built_site, title: str) -> str:
    assert title in built_site.article_urls, (
        f"no built article page has the <h1> {title!r}; article pages found: {sorted(built_site.article_urls)}"
    )
    return built_site.article_urls[title]


def category_url(built_site, title: str) -> str:
    assert title in built_site.category_urls, (
        f"no built category page has the <h1> {title!r}; category pages found: {sorted(built_site.category_urls)}"
    )
    return built_site.category_urls[title]


def sort_key(order: int | None, title: str) -> tuple:
    return (order is None, order or 0, title.casefold())


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def notice_text(config, today: dt.date) -> str | None:
    """The site-wide notice's text when it is shown on `today`."""
    notice = config.notice
    if notice is None or not notice.text or not notice.active(today):
        return None
    return notice.text.strip()


def card_by_title(page) -> dict:
    cards = {}
    for card in page.locator("#topics .card").all():
        cards[norm(card.locator(".card-title").inner_text())] = card
    return cards


def plain_link_text(text: str) -> str:
    return norm(re.sub(r"[*_`]", "", text))


def slug_of_file(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^\w]+|_+", "-", text).strip("-")


def internal_hrefs(page) -> set[str]:
    """Every same-origin link on the page, as a decoded path."""
    paths = page.eval_on_selector_all(
        "a[href]", "(links) => links.filter(a => a.origin === location.origin).map(a => a.pathname)")
    return {urllib.parse.unquote(p) for p in paths}


def load_images(page, selector: str = "img") -> list[dict]:
    """Scroll every image into view, wait for it to finish, and report what it loaded."""
    results = []
    for image in page.locator(selector).all():
        image.scroll_into_view_if_needed()
        results.append(image.evaluate(
            """async (img) => {
                 if (!img.complete) await new Promise(done => {
                   img.addEventListener('load', done, {once: true});
                   img.addEventListener('error', done, {once: true});
                 });
                 return {src: img.currentSrc || img.src, width: img.naturalWidth, alt: img.getAttribute('alt')};
               }"""))
    return results


# -------------------------------------------------------------------- home


def test_home_shows_title_tagline_and_notice(page, server, content):
    open_page(page, server, "/")
    config = content.config
    assert h1_text(page) == config.title
    assert page.title() == config.title
    tagline = page.get_by_text(config.tagline, exact=True)
    assert tagline.is_visible(), f"tagline {config.tagline!r} not visible on the home page"
    notice = notice_text(config, dt.date.today())
    assert notice, "site.yaml should have an active notice"
    shown = page.get_by_text(notice, exact=True)
    assert shown.count() == 1 and shown.is_visible(), f"notice {notice!r} not visible on the home page"


def test_home_has_a_card_per_category(page, server, content, built_site):
    open_page(page, server, "/")
    cards = card_by_title(page)
    expected = sorted(content.categories, key=lambda c: sort_key(c.order, c.title))
    assert list(cards) == [c.title for c in expected], "cards should be one per category, in `order`"
    for category in expected:
        card = cards[category.title]
        articles = content.articles_in(category.key)
        links = card.locator(".link-list a")
        shown = [norm(t) for t in links.all_inner_texts()]
        assert len(shown) <= HOME_ARTICLES, f"{category.title}: {len(shown)} article links, at most {HOME_ARTICLES}"
        assert len(shown) == min(HOME_ARTICLES, len(articles)), f"{category.title}: shows {shown}"
        assert set(shown) <= {a.title for a in articles}, f"{category.title}: card lists articles of other categories: {shown}"
        view_all = card.locator(".view-all a")
        if len(articles) <= HOME_ARTICLES:
            assert view_all.count() == 0, f"{category.title}: 'View all' although all {len(articles)} are listed"
            continue
        match = re.search(r"View all (\d+) articles?\b", norm(view_all.text_content()))
        assert match, f"{category.title}: no 'View all N articles' link, found {view_all.text_content()!r}"
        assert int(match.group(1)) == len(articles), (
            f"{category.title}: 'View all {match.group(1)} articles' but the content has {len(articles)} published"
        )
        assert path_of(view_all.get_attribute("href")) == category_url(built_site, category.title)


def test_home_lists_popular_articles_with_their_excerpts(page, server, content, built_site):
    open_page(page, server, "/")
    featured = [d for d in content.published if d.featured]
    assert featured, "the example should feature some articles"
    items = page.locator("section.featured li")
    shown = {}
    for item in items.all():
        excerpt = item.locator(".excerpt")
        shown[norm(item.locator("a").inner_text())] = norm(excerpt.inner_text()) if excerpt.count() else ""
    assert sorted(shown) == sorted(d.title for d in featured)
    for doc in featured:
        check_excerpt(doc, shown[doc.title])
    assert any(shown[t] for t in shown) and page.locator("section.featured .excerpt").first.is_visible()


def test_clicking_a_card_article_opens_it(page, server, content):
    open_page(page, server, "/")
    card = card_by_title(page)[BILLING]
    link = card.locator(".link-list a").first
    title = norm(link.inner_text())
    click_and_wait(page, link)
    assert h1_text(page) == title
    assert content.doc(title).category == content.category(BILLING).key


# -------------------------------------------------------------------- category


def check_excerpt(doc, excerpt: str) -> None:
    where = f"{doc.rel}: excerpt {excerpt!r}"
    assert excerpt, f"{doc.rel}: no excerpt"
    assert len(excerpt) <= EXCERPT_MAX, f"{where} is {len(excerpt)} characters"
    assert "**" not in excerpt and "](" not in excerpt and "<" not in excerpt, f"{where} shows Markdown or HTML"
    if doc.summary and len(doc.summary) <= EXCERPT_MAX - 1:
        assert excerpt == doc.summary, f"{where} should be the summary {doc.summary!r}"
    elif doc.summary:
        assert excerpt.endswith("…") and doc.summary.startswith(excerpt[:-1].rstrip()), f"{where} should be the cut summary"
    else:
        assert excerpt.endswith("…") or len(excerpt) < EXCERPT_MAX - 1, f"{where} is cut without an ellipsis"


def test_category_lists_every_article_with_an_excerpt(page, server, content, built_site):
    category = content.category(BILLING)
    open_page(page, server, category_url(built_site, BILLING))
    assert h1_text(page) == BILLING
    items = page.locator("main .article-list > li")
    listed: list[tuple[str, str, str]] = []
    for item in items.all():
        link = item.locator(".article-list-title a")
        excerpt = item.locator(".excerpt")
        listed.append((norm(link.inner_text()), norm(excerpt.inner_text()) if excerpt.count() else "",
                       link.get_attribute("href")))
    expected = sorted(content.articles_in(category.key), key=lambda d: sort_key(d.order, d.title))
    assert [t for t, _, _ in listed] == [d.title for d in expected], "every published article, in `order`"
    for doc, (_, excerpt, href) in zip(expected, listed):
        check_excerpt(doc, excerpt)
        # built_site maps each article page's <h1> to its URL: the link must lead to the page titled so
        assert path_of(href) == url_of(built_site, doc.title), f"{doc.title!r} links to {href}"


def test_category_with_sections_shows_them_as_headings(page, server, content, built_site):
    with_sections = [c for c in content.categories if content.sections_of(c.key)]
    assert with_sections, "the example content should have a category with sections"
    category = next((c for c in with_sections if c.title == "Cases & Channels"), with_sections[0])
    open_page(page, server, category_url(built_site, category.title))
    assert h1_text(page) == category.title
    sections = sorted(content.sections_of(category.key), key=lambda s: sort_key(s.order, s.title))
    blocks = page.locator("main section.section")
    headings = [norm(h) for h in blocks.locator("h2").all_inner_texts()]
    assert headings == [s.title for s in sections], "one <h2> per section, in `order`"
    for section, block in zip(sections, blocks.all()):
        listed = {norm(t) for t in block.locator(".article-list-title a").all_inner_texts()}
        expected = {d.title for d in content.articles_in(category.key) if d.section == section.key}
        assert listed == expected, f"section {section.title}"
        assert page.get_by_role("heading", name=section.title, exact=True).first.is_visible()
    own = {d.title for d in content.articles_in(category.key) if d.section is None}
    top = page.eval_on_selector_all(
        "main .article-list-title a", "links => links.filter(a => !a.closest('section.section')).map(a => a.textContent)")
    assert {norm(t) for t in top} == own, "the category's own articles, outside its sections"


# -------------------------------------------------------------------- article


def test_article_page(page, server, content, built_site):
    doc = content.doc(FLEX)
    category = content.folder(doc.category)
    open_page(page, server, url_of(built_site, FLEX))
    assert h1_text(page) == doc.title
    assert page.title().startswith(doc.title)

    crumbs = page.locator("nav.breadcrumbs li")
    trail = [norm(t) for t in crumbs.all_inner_texts()]
    assert trail == ["Home", category.title, doc.title], f"breadcrumbs {trail}"
    assert path_of(crumbs.nth(0).locator("a").get_attribute("href")) == "/"
    assert path_of(crumbs.nth(1).locator("a").get_attribute("href")) == category_url(built_site, category.title)
    assert crumbs.nth(2).locator("[aria-current=page]").count() == 1

    assert doc.updated, "the Flex article has an updated date"
    meta = page.locator(".article-meta")
    assert norm(meta.inner_text()) == f"Updated {long_date(doc.updated)}"
    assert meta.locator("time").get_attribute("datetime") == doc.updated.isoformat()

    related = page.locator("aside.related a")
    shown = [norm(t) for t in related.all_inner_texts()]
    assert shown, "no related articles"
    wanted = [content.resolve(doc, r) for r in doc.related]
    wanted = [w.title for w in wanted if w and not w.draft]
    if wanted:
        assert shown[: len(wanted)] == wanted, f"related articles {shown}, front matter says {wanted}"

    block = page.locator(".contact-block")
    assert block.get_by_role("heading", name="Still need help?").is_visible()
    contact = block.get_by_role("link", name="Contact us")
    assert contact.is_visible()
    assert contact.get_attribute("href") == "/contact/"


def test_article_in_a_section_has_full_breadcrumbs(page, server, content, built_site):
    doc = content.pick(lambda d: d.section is not None, prefer="Cases & Channels/Email/set-up-email.md")
    open_page(page, server, url_of(built_site, doc.title))
    trail = [norm(t) for t in page.locator("nav.breadcrumbs li").all_inner_texts()]
    assert trail == ["Home", content.folder(doc.category).title, content.folder(doc.section).title, doc.title]


def test_tags_link_to_tag_pages(page, server, content, built_site):
    doc = content.doc(FLEX)
    open_page(page, server, url_of(built_site, FLEX))
    tags = page.locator(".article-footer a.tag")
    assert [norm(t) for t in tags.all_inner_texts()] == list(doc.tags)
    click_and_wait(page, tags.first)
    assert h1_text(page) == f"Articles tagged “{doc.tags[0]}”"
    assert page.locator("main .article-list a", has_text=FLEX).count() == 1


def test_long_article_has_a_working_table_of_contents(page, server, content, built_site):
    doc = max(content.published, key=lambda d: (d.headings, d.rel == RICH))
    assert doc.headings >= 3
    open_page(page, server, url_of(built_site, doc.title))
    toc = page.locator("nav.toc a")
    hrefs = toc.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    headings = page.locator(".article-body :is(h2, h3)[id]")
    assert len(hrefs) == headings.count() == doc.headings, (
        f"{doc.rel}: {len(hrefs)} TOC links, {headings.count()} headings, the Markdown has {doc.headings}"
    )
    for href in hrefs:
        assert href.startswith("#"), href
        target = urllib.parse.unquote(href[1:])
        assert page.evaluate("id => !!document.getElementById(id)", target), f"TOC link {href} has no target"
    load_images(page, ".article-body img")  # a late image above the heading would move it after the jump
    last = toc.last
    target = urllib.parse.unquote(last.get_attribute("href")[1:])
    last.click()
    page.wait_for_function("id => decodeURIComponent(location.hash.slice(1)) === id", arg=target)
    in_view = "id => { const top = document.getElementById(id).getBoundingClientRect().top; return top >= 0 && top < innerHeight; }"
    try:  # the fragment scroll can land a frame after the hash changes
        page.wait_for_function(in_view, arg=target, timeout=3000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the assertion below explains
        pass
    position = page.evaluate(
        "id => ({top: document.getElementById(id).getBoundingClientRect().top, y: scrollY, h: innerHeight})", target)
    assert position["y"] > 0 and 0 <= position["top"] < position["h"], f"jumping to #{target}: {position}"


def test_short_article_has_no_table_of_contents(page, server, content, built_site):
    doc = content.pick(lambda d: d.headings == 0)
    open_page(page, server, url_of(built_site, doc.title))
    assert page.locator("nav.toc").count() == 0


def test_code_blocks_are_highlighted(page, server, content, built_site):
    doc = content.pick(lambda d: set(d.code_languages) - PLAIN_LANGUAGES, prefer=RICH)
    open_page(page, server, url_of(built_site, doc.title))
    blocks = page.locator(".article-body .highlight")
    assert blocks.count() == len(doc.code_languages), f"{doc.rel}: {blocks.count()} highlighted blocks"
    tokens = page.locator(".article-body .highlight pre span[class]")
    assert tokens.count() > 0, f"{doc.rel}: code blocks have no highlighted tokens"


def test_code_tokens_are_coloured(page, server, content, built_site, stylesheets_ok):
    if not stylesheets_ok:
        pytest.skip("the theme stylesheet is not there yet (themes/default/static)")
    doc = content.pick(lambda d: set(d.code_languages) - PLAIN_LANGUAGES, prefer=RICH)
    open_page(page, server, url_of(built_site, doc.title))
    colours = page.eval_on_selector_all(
        ".article-body .highlight pre span[class]", "spans => [...new Set(spans.map(s => getComputedStyle(s).color))]")
    assert len(colours) >= 2, f"{doc.rel}: every code token has the same colour {colours}"


def test_callouts_render_as_admonitions(page, server, content, built_site):
    doc = content.pick(lambda d: d.callouts > 0, prefer=RICH)
    open_page(page, server, url_of(built_site, doc.title))
    admonitions = page.locator(".article-body .admonition")
    assert admonitions.count() == doc.callouts, f"{doc.rel}: {admonitions.count()} admonitions, {doc.callouts} callouts"
    for admonition in admonitions.all():
        assert admonition.locator(".admonition-title").is_visible()
    assert "[!" not in page.locator(".article-body").inner_text(), f"{doc.rel}: a callout marker is shown as text"


def test_images_load(page, server, content, built_site):
    docs = [d for d in content.published if d.images]
    assert docs, "the example content should have images"
    for doc in docs:
        open_page(page, server, url_of(built_site, doc.title))
        images = load_images(page, ".article-body img")
        assert len(images) == doc.images, f"{doc.rel}: {len(images)} <img>, the Markdown has {doc.images}"
        broken = [i["src"] for i in images if not i["width"]]
        assert not broken, f"{doc.rel}: images did not load: {broken}"
        assert all(norm(i["alt"]) for i in images), f"{doc.rel}: an image has no alt text"
    logo = load_images(page, "header img")
    assert all(i["width"] for i in logo), f"header logo did not load: {logo}"


def test_cross_link_opens_the_other_article(page, server, content, built_site):
    def usable(doc):
        return [(t, p) for t, p in doc.article_links()
                if p in content.by_rel and not content.by_rel[p].draft and plain_link_text(t) and p != doc.rel]

    doc = content.pick(usable, prefer=RICH)
    text, target = usable(doc)[0]
    open_page(page, server, url_of(built_site, doc.title))
    link = page.locator(".article-body").get_by_role("link", name=plain_link_text(text), exact=True).first
    click_and_wait(page, link)
    assert h1_text(page) == content.by_rel[target].title


def test_no_broken_internal_links(built_site):
    """Every same-site href/src of every built page points at a file, and every #fragment at an id."""

    class Refs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.refs, self.ids = [], set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id"):
                self.ids.add(attrs["id"])
            for name in ("href", "src"):
                if attrs.get(name):
                    self.refs.append(attrs[name])

    def target_file(path: str) -> Path | None:
        full = built_site.root / urllib.parse.unquote(path).lstrip("/")
        if full.is_dir():
            full = full / "index.html"
        return full if full.is_file() else None

    ids: dict[Path, set[str]] = {}

    def ids_of(file: Path) -> set[str]:
        if file not in ids:
            parser = Refs()
            parser.feed(file.read_text(encoding="utf-8"))
            ids[file] = parser.ids
        return ids[file]

    broken, checked = [], 0
    for file in built_site.html_files():
        parser = Refs()
        parser.feed(file.read_text(encoding="utf-8"))
        ids[file] = parser.ids
        page_path = "/" + file.relative_to(built_site.root).as_posix()
        for ref in set(parser.refs):
            parts = urllib.parse.urlsplit(html.unescape(ref))
            if parts.scheme or parts.netloc or ref.startswith("mailto:"):
                continue
            path = parts.path or page_path
            if path.startswith("/assets/"):
                continue  # the theme's own files: see test_stylesheet_is_served
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path)) + ("/" if path.endswith("/") else "")
            target = target_file(resolved)
            checked += 1
            if target is None:
                broken.append(f"{page_path}: {ref} (no such file)")
            elif parts.fragment and urllib.parse.unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{page_path}: {ref} (no element with that id)")
    assert checked > len(built_site.html_files()), f"only {checked} same-site links found: is the parser broken?"
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(sorted(broken)[:40])


def test_stylesheet_is_served(stylesheets_ok):
    assert stylesheets_ok, "a <link rel=stylesheet> of the built pages is not served (themes/default/static/kb.css missing?)"


# -------------------------------------------------------------------- drafts


def draft_urls(content, built_site) -> list[tuple[object, str]]:
    """Each draft with the URL it would have if it were published (kb's, percent-encoded)."""
    return [(doc, urllib.parse.quote(doc.url)) for doc in content.drafts]


def test_draft_is_not_published(page, server, content, built_site):
    drafts = draft_urls(content, built_site)
    assert drafts, "the example content should have a draft"
    for doc, url in drafts:
        open_page(page, server, url, status=404)
        assert h1_text(page) == "Page not found", f"{url} should show the 404 page"
        assert doc.title not in built_site.article_urls


def test_draft_is_not_linked_or_mentioned(page, server, content, built_site):
    drafts = draft_urls(content, built_site)
    draft_paths = {urllib.parse.unquote(u) for _, u in drafts}
    draft_titles = [d.title for d, _ in drafts]
    visits = ["/", "/tags/"]
    for doc, _ in drafts:  # the pages most likely to list it; the file scan below covers the rest
        visits.append(category_url(built_site, content.folder(doc.category).title))
        visits += ["/tags/" + urllib.parse.quote(slug_of_file(tag)) + "/" for tag in doc.tags
                   if any(tag.casefold() in (t.casefold() for t in d.tags) for d in content.published)]
    for path in visits:
        open_page(page, server, path)
        linked = internal_hrefs(page) & draft_paths
        assert not linked, f"{path} links to the unpublished draft {linked}"
        text = page.locator("body").inner_text()
        for title in draft_titles:
            assert title not in text, f"{path} mentions the draft {title!r}"
    # and no built file mentions it at all
    for file in built_site.html_files():
        source = html.unescape(file.read_text(encoding="utf-8"))
        for title in draft_titles:
            assert title not in source, f"{file.relative_to(built_site.root)} mentions the draft {title!r}"


# -------------------------------------------------------------------- tags and 404


def tag_counts(content) -> dict[str, int]:
    counts: dict[str, int] = {}
    for doc in content.own:  # a language's tag pages list its own articles
        for tag in {t.casefold() for t in doc.tags}:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def test_tags_index_lists_every_tag_with_its_count(page, server, content):
    open_page(page, server, "/tags/")
    assert h1_text(page) == "Tags"
    shown = {}
    for text in page.locator("main a.tag").all_inner_texts():
        match = re.fullmatch(r"(.+?)\s*\((\d+)\)", norm(text))
        assert match, f"tag link {text!r} is not 'name (count)'"
        shown[match.group(1).casefold()] = int(match.group(2))
    assert shown == tag_counts(content)
    only_drafts = {t.casefold() for d in content.drafts for t in d.tags} - set(tag_counts(content))
    assert not only_drafts & set(shown), f"tags used only by drafts are listed: {only_drafts & set(shown)}"


def test_tag_page_lists_the_tagged_articles(page, server, content):
    counts = tag_counts(content)
    tag = "billing" if "billing" in counts else max(counts, key=counts.get)
    open_page(page, server, "/tags/")
    link = page.locator("main a.tag").filter(has_text=re.compile(rf"^\s*{re.escape(tag)}\s*\(", re.I)).first
    click_and_wait(page, link)
    assert h1_text(page).casefold() == f"articles tagged “{tag}”"
    listed = sorted(norm(t) for t in page.locator("main .article-list-title a").all_inner_texts())
    expected = sorted(d.title for d in content.own if tag in {t.casefold() for t in d.tags})
    assert listed == expected
    lead = norm(page.locator("main .lead").inner_text())
    assert lead == f"{len(expected)} article{'s' * (len(expected) != 1)}"


def test_missing_page_shows_the_404_page(page, server, content):
    open_page(page, server, "/no-such-page/", status=404)
    assert h1_text(page) == "Page not found"
    assert page.title().startswith("Page not found")
    home = page.locator("main").get_by_role("link", name=re.compile("home page", re.I))
    assert home.is_visible()
    click_and_wait(page, home)
    assert path_of(page.url) == "/"
    assert h1_text(page) == content.config.title


# -------------------------------------------------------------------- robustness


@pytest.fixture
def page_kinds(content, built_site) -> dict[str, str]:
    return {
        "home": "/",
        "category": category_url(built_site, BILLING),
        "article": url_of(built_site, content.by_rel[RICH].title if RICH in content.by_rel else FLEX),
    }


def test_readable_without_javascript(new_context, server, page_kinds):
    with_js = new_context().new_page()
    without_js = new_context(java_script_enabled=False).new_page()
    for kind, path in page_kinds.items():
        open_page(with_js, server, path)
        open_page(without_js, server, path)
        expected = with_js.evaluate(TEXT_BLOCKS_JS)
        found = without_js.evaluate(TEXT_BLOCKS_JS)
        assert len(expected) > 3, f"{kind}: almost no text on {path}"
        missing = [t for t in expected if t not in found]
        assert not missing, f"{kind} page {path} without JavaScript lacks: {missing[:5]}"
        assert without_js.locator("main h1").is_visible()


def test_skip_link_is_first_and_moves_focus_to_main(page, server, page_kinds):
    open_page(page, server, page_kinds["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
                            " text: document.activeElement.textContent.trim()})")
    assert "skip-link" in focused["cls"].split(), f"first Tab focused {focused}, not the skip link"
    skip = page.locator(".skip-link")
    assert skip.is_visible()
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box and box["width"] >= 1 and box["height"] >= 1, f"focused skip link has no size: {box}"
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"] and 0 <= box["y"] < viewport["height"], (
        f"focused skip link is off screen: {box}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'", timeout=3000)


def test_no_horizontal_scrolling_on_a_phone(new_context, server, page_kinds):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                       device_scale_factor=2).new_page()
    problems = []
    for kind, path in page_kinds.items():
        open_page(page, server, path)
        sizes = page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: innerWidth})")
        if sizes["scroll"] > sizes["inner"]:
            wide = page.evaluate("""() => {
                const w = innerWidth, out = [];
                for (const e of document.querySelectorAll('body *')) {
                  const r = e.getBoundingClientRect();
                  if (r.right > w + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 0.5))
                    out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' (' + Math.round(r.right) + 'px)');
                }
                return out.slice(0, 5);
            }""")
            problems.append(f"{kind} {path}: scrollWidth {sizes['scroll']} > innerWidth {sizes['inner']}; widest: {wide}")
    assert not problems, "\n".join(problems)


LUMINANCE_JS = """() => {
  const rgba = (c) => {
    const cv = document.createElement('canvas'); cv.width = cv.height = 1;
    const x = cv.getContext('2d'); x.fillStyle = 'rgba(0, 0, 0, 0)'; x.fillStyle = c; x.fillRect(0, 0, 1, 1);
    const d = x.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255];
  };
  const probe = document.createElement('div'); probe.style.background = 'Canvas';
  document.body.appendChild(probe);
  const canvas = getComputedStyle(probe).backgroundColor; probe.remove();
  const html = getComputedStyle(document.documentElement).backgroundColor;
  const body = getComputedStyle(document.body).backgroundColor;
  let [r, g, b] = rgba(canvas);
  for (const c of [html, body]) {
    const [cr, cg, cb, a] = rgba(c);
    r = cr * a + r * (1 - a); g = cg * a + g * (1 - a); b = cb * a + b * (1 - a);
  }
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return {body, html, canvas, luminance: 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)};
}"""


def test_dark_mode_has_a_dark_background(new_context, server, page_kinds, stylesheets_ok):
    if not stylesheets_ok:
        pytest.skip("the theme stylesheet is not there yet (themes/default/static)")
    page = new_context(color_scheme="dark").new_page()
    for kind, path in page_kinds.items():
        open_page(page, server, path)
        colours = page.evaluate(LUMINANCE_JS)
        assert colours["luminance"] < 0.1, f"{kind} {path}: background is not dark in dark mode: {colours}"


def test_no_request_leaves_the_local_server(new_context, server, content, built_site, page_kinds):
    page = new_context().new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    visits = [*page_kinds.values(), "/tags/", "/tags/billing/", "/no-such-page/"]
    for path in visits:
        page.goto(server + path, wait_until="load")
        load_images(page)
    assert requests, "no requests were recorded"
    outside = sorted({u for u in requests if not (u.startswith(server + "/") or u.startswith("data:"))})
    assert not outside, f"requests left {server}: {outside}"


def test_every_page_links_a_favicon_that_is_served(new_context, server, page_kinds):
    """Without a linked icon a browser asks for /favicon.ico on every first visit and logs a 404."""
    page = new_context().new_page()
    for path in [*page_kinds.values(), "/tags/", "/search/", "/contact/", "/status/", "/no-such-page/"]:
        page.goto(server + path, wait_until="load")
        icons = page.eval_on_selector_all("link[rel~=icon]", "(ls) => ls.map(l => l.href)")
        assert len(icons) == 1, f"{path}: {len(icons)} icon links"
        assert icons[0].startswith(server + "/"), f"{path}: the icon {icons[0]} is not on the site"
        response = page.request.get(icons[0])
        assert response.status == 200 and response.headers["content-type"].startswith("image/"), (
            f"{path}: GET {icons[0]} answered {response.status} {response.headers.get('content-type')}")
