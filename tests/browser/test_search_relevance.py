"""Search relevance: the Pagefind index of the example site, queried in Chromium.

The index is queried through Pagefind's own JavaScript API
(`import(root + "pagefind/pagefind.js")`), not through the theme's search UI,
so these tests say what the index built by `kb build` can find, whatever the
search box does with it. The theme's search.js is blocked on the test page so
that it cannot change Pagefind's options (the module is shared per page).

The relevance cases are in tests/search_cases.yaml: each expected article must
be among the first 3 results of its query. The top-1 and top-3 hit rates are
printed (with -s) and added to pytest's terminal summary.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.browser

CASES_FILE = Path(__file__).resolve().parent.parent / "search_cases.yaml"
TOP = 3
MIN_CASES = 40
# Ranking options passed to pagefind.options() before searching; None keeps
# Pagefind's defaults. Keep in step with what the theme's search.js passes.
RANKING: dict | None = None

SEARCH_JS = """async ({searches, top, ranking, bundle}) => {
  const root = document.body.dataset.kbRoot || "/";
  const pagefind = await import(root + bundle + "pagefind.js");
  if (ranking) await pagefind.options({ranking});
  // a large site's index comes in shards, merged as the theme's search.js merges them
  const shards = await fetch(root + bundle + "kb-shards.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
  for (const shard of shards) await pagefind.mergeIndex(root + bundle + shard, { baseUrl: root, ...(ranking ? { ranking } : {}) });
  await pagefind.init();
  const out = [];
  for (const {query, filters, all} of searches) {
    const search = await pagefind.search(query, filters ? {filters} : {});
    const picked = all ? search.results : search.results.slice(0, top);
    const data = await Promise.all(picked.map((r) => r.data()));
    out.push({
      query,
      total: search.results.length,
      urls: data.map((d) => d.url),
      titles: data.map((d) => (d.meta && d.meta.title) || ""),
      filters: data.map((d) => d.filters || {}),
    });
  }
  return out;
}"""

FILTERS_JS = """async () => {
  const root = document.body.dataset.kbRoot || "/";
  const pagefind = await import(root + "pagefind/pagefind.js");
  // a large site's index comes in shards, merged as the theme's search.js merges them
  const shards = await fetch(root + "pagefind/kb-shards.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
  for (const shard of shards) await pagefind.mergeIndex(root + "pagefind/" + shard, { baseUrl: root });
  await pagefind.init();
  return await pagefind.filters();
}"""


# -------------------------------------------------------------------- helpers


def plain(url: str) -> str:
    """A result URL as a comparable path: percent-decoded, NFC, without index.html."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return unicodedata.normalize("NFC", path)


def fold(text: str) -> str:
    """Lower case without diacritics (Pagefind matches `como` to `cómo`)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


def load_cases() -> list[dict]:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{CASES_FILE.name}: expected a list of cases"
    return data


def open_site(page, server: str) -> None:
    """Open the home page with the theme's search script blocked (see the module docstring)."""
    if page.url.startswith(server + "/"):
        return
    page.route(re.compile(r".*/assets/search\.js(\?.*)?$"), lambda route: route.abort())
    response = page.goto(server + "/", wait_until="load")
    assert response is not None and response.status == 200, "the home page of the built site did not load"


def search(page, server: str, searches: list[dict], top: int = TOP, lang: str = "") -> list[dict]:
    """Run each {query, filters?, all?} through Pagefind in the page (in the index of language
    `lang`'s folder, "" for the default language's); return its results (URLs made plain)."""
    open_site(page, server)
    bundle = f"pagefind/{lang}/" if lang else "pagefind/"
    results = page.evaluate(SEARCH_JS, {"searches": searches, "top": top, "ranking": RANKING, "bundle": bundle})
    for result in results:
        result["urls"] = [plain(u) for u in result["urls"]]
    return results


def article_paths(built_site) -> dict[str, str]:
    """Plain URL path -> title of every built article page."""
    return {plain(url): title for title, url in built_site.article_urls.items()}


class _RelatedTitles(HTMLParser):
    """The link texts of the related-articles aside of a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self._aside = 0
        self._link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "aside" and "related" in classes:
            self._aside = 1
        elif tag == "aside" and self._aside:
            self._aside += 1
        elif tag == "a" and self._aside:
            self._link = []

    def handle_endtag(self, tag):
        if tag == "aside" and self._aside:
            self._aside -= 1
        elif tag == "a" and self._link is not None:
            self.titles.append(" ".join("".join(self._link).split()))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)


class _Summary:
    """Adds the relevance numbers to pytest's terminal summary (visible without -s)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def pytest_terminal_summary(self, terminalreporter):
        if self.lines:
            terminalreporter.section("search relevance")
            for line in self.lines:
                terminalreporter.write_line(line)


def report(request, lines: list[str]) -> None:
    print("\n" + "\n".join(lines))
    manager = request.config.pluginmanager
    summary = manager.get_plugin("kb-search-relevance")
    if summary is None:
        summary = _Summary()
        manager.register(summary, "kb-search-relevance")
    summary.lines = lines


def miss_table(misses: list[tuple[dict, dict]], total: int) -> str:
    width = max(len(repr(case["query"])) for case, _ in misses)
    lines = [f"{len(misses)} of {total} search cases missed the top {TOP}:", ""]
    lines.append(f"  {'query':<{width}}  expected / got")
    for case, result in misses:
        lines.append(f"  {case['query']!r:<{width}}  expected {case['expect']}")
        got = [f"{i}. {u}" for i, u in enumerate(result["urls"], 1)] or ["(no results)"]
        for line in got:
            lines.append(f"  {'':<{width}}      {line}")
        if result["total"] > len(result["urls"]):
            lines.append(f"  {'':<{width}}      ({result['total']} results in all)")
    return "\n".join(lines)


# ---------------------------------------------------------------------- tests


def test_search_cases_file_is_sound(built_site):
    """The cases are well formed and each expected URL is an article of the built site."""
    cases = load_cases()
    assert len(cases) >= MIN_CASES, f"{CASES_FILE.name} has {len(cases)} cases; at least {MIN_CASES} are wanted"
    known = article_paths(built_site)
    problems = []
    seen: set[str] = set()
    for index, case in enumerate(cases, 1):
        if not isinstance(case, dict) or not isinstance(case.get("query"), str) or not case["query"].strip():
            problems.append(f"case {index}: no query")
            continue
        if case["query"] in seen:
            problems.append(f"case {index}: duplicate query {case['query']!r}")
        seen.add(case["query"])
        if not case.get("note"):
            problems.append(f"case {index} ({case['query']!r}): no note")
        expect = plain(str(case.get("expect") or ""))
        if expect not in known:
            problems.append(f"case {index} ({case['query']!r}): {case.get('expect')!r} is not an article URL of the built site")
    assert not problems, "\n".join(problems)


def test_expected_articles_are_in_the_top_3(page, server, request):
    cases = sorted(load_cases(), key=lambda c: c.get("lang", ""))
    results = []
    for lang in dict.fromkeys(c.get("lang", "") for c in cases):  # each language's cases in its own index
        results += search(page, server, [{"query": c["query"]} for c in cases if c.get("lang", "") == lang], lang=lang)
    top1 = top3 = 0
    misses = []
    for case, result in zip(cases, results):
        expect = plain(str(case["expect"]))
        top1 += bool(result["urls"]) and result["urls"][0] == expect
        if expect in result["urls"]:
            top3 += 1
        else:
            misses.append((case, result))
    n = len(cases)
    lines = [
        f"search relevance on the example content ({n} cases from {CASES_FILE.name}):",
        f"  top-1 hit rate: {top1}/{n} = {top1 / n:.0%}",
        f"  top-{TOP} hit rate: {top3}/{n} = {top3 / n:.0%}",
    ]
    not_first = [c["query"] for c, r in zip(cases, results) if r["urls"][:1] != [plain(str(c["expect"]))] and plain(str(c["expect"])) in r["urls"]]
    if not_first:
        lines.append(f"  in the top {TOP} but not first: " + ", ".join(repr(q) for q in not_first))
    report(request, lines)
    assert not misses, miss_table(misses, n)


def test_index_holds_only_articles(page, server, built_site, content):
    """Home, category, section, tag, search and contact pages are not in the index; drafts are not built."""
    indexed = 0
    for lang in content.config.languages:  # one index per language: pagefind/, pagefind/es/…
        folder = built_site.root / "pagefind" / lang.path
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        indexed += sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == len(built_site.article_urls), (
        f"Pagefind indexed {indexed} pages but the site has {len(built_site.article_urls)} articles"
    )

    # Words that are the titles of the non-article pages: categories, sections, tags, site pages.
    queries = [c.title for c in content.categories]
    for category in content.categories:
        queries += [s.title for s in content.sections_of(category.key)]
    queries += sorted({t for d in content.published for t in d.tags})[:10]
    queries += [content.config.title, "Home", "Topics", "Contact us", "Search", "Tags", "All topics"]
    queries = [q for q in dict.fromkeys(queries) if q.strip()]
    results = search(page, server, [{"query": q, "all": True} for q in queries])

    articles = article_paths(built_site)
    stray = [f"  {r['query']!r} -> {url}" for r in results for url in r["urls"] if url not in articles]
    assert not stray, "pages that are not articles came up in search results:\n" + "\n".join(stray)
    assert sum(r["total"] for r in results) > 0, "none of the category or page names found anything"

    draft_titles = {d.title for d in content.drafts}
    if draft_titles:
        found = search(page, server, [{"query": t, "all": True} for t in sorted(draft_titles)])
        leaked = [f"  {t!r}" for r in found for t in r["titles"] if t in draft_titles]
        assert not leaked, "draft articles are in the index:\n" + "\n".join(leaked)


def test_category_filter_returns_only_that_category(page, server, built_site, content):
    billing = content.category("Billing")
    paths = {plain(url): title for title, url in built_site.article_urls.items()}
    in_billing = {plain(built_site.article_urls[d.title]) for d in content.articles_in(billing.key)}
    assert in_billing, "the example content has no Billing articles"

    unfiltered, filtered = search(page, server, [
        {"query": "billing", "all": True},
        {"query": "billing", "all": True, "filters": {"category": billing.title}},
    ])
    assert filtered["urls"], "a search for 'billing' filtered to the Billing category found nothing"
    outside = [f"  {u} ({paths.get(u, '?')})" for u in filtered["urls"] if u not in in_billing]
    assert not outside, "the category filter let through articles of other categories:\n" + "\n".join(outside)
    wrong = [u for u, f in zip(filtered["urls"], filtered["filters"]) if f.get("category") != [billing.title]]
    assert not wrong, f"results whose category filter value is not [{billing.title!r}]: {wrong}"
    # The filter narrows the same search: it keeps every Billing match and drops the rest.
    assert set(filtered["urls"]) == set(unfiltered["urls"]) & in_billing, (
        f"filtered: {sorted(filtered['urls'])}\nunfiltered Billing matches: {sorted(set(unfiltered['urls']) & in_billing)}"
    )
    assert set(unfiltered["urls"]) - in_billing, (
        "'billing' only matches Billing articles, so this test cannot show that the filter removes anything"
    )


def test_filter_values_match_the_content(page, server, content):
    """The category and section filters offer exactly the content's categories and sections."""
    open_site(page, server)
    filters = page.evaluate(FILTERS_JS)
    indexed = {d.section or d.category for d in content.own} | {d.category for d in content.own}
    assert set(filters.get("category", {})) == {c.title for c in content.categories if c.key in indexed}
    sections = {s.title for c in content.categories for s in content.sections_of(c.key) if s.key in indexed}
    assert set(filters.get("section", {})) == sections
    assert filters.get("tag"), "no tag filter values in the index"


def test_page_chrome_is_not_indexed(page, server, built_site, content):
    """Header, notice, footer, contact block, table of contents and related-articles text is not searchable.

    If it were, a query made of those words would find (nearly) every article.
    So every result must be explained by its own article's title and body:
    each query word (or its first four letters, as Pagefind matches stems and
    prefixes) must occur there. A phrase no article contains must find nothing.
    """
    config = content.config
    phrases = [
        "Skip to content",
        "Search the help center",
        "Still need help",
        "Our support team is here for you",
        "Related articles",
        "In this article",
    ]
    phrases += [link.title for link in config.footer_links]
    notice = config.notice.text if config.notice is not None else None
    if notice:
        phrases.append(" ".join(words(notice)[-3:]))  # e.g. "no longer accessible"

    # Titles that stand in other articles' related-articles lists.
    listed: dict[str, int] = {}
    for path in sorted(built_site.root.rglob("index.html")):
        parser = _RelatedTitles()
        parser.feed(path.read_text(encoding="utf-8"))
        for title in parser.titles:
            listed[title] = listed.get(title, 0) + 1
    related = sorted(listed, key=lambda t: (-listed[t], t))[:5]
    assert related, "no related-articles lists in the built site; this test needs one"
    phrases += related

    own = {d.title for d in content.own}  # the default language's index holds its own articles
    docs = {plain(url): content.doc(title) for title, url in built_site.article_urls.items() if title in own}
    text = {path: _own_text(doc) for path, doc in docs.items()}

    def explains(path: str, phrase: str) -> bool:
        # A word starts after any non-alphanumeric character, "_" included (`your_token_here`).
        return all(re.search(r"(?<![^\W_])" + re.escape(w[:4]), text[path]) for w in words(phrase))

    results = search(page, server, [{"query": p, "all": True} for p in phrases])
    problems = []
    for phrase, result in zip(phrases, results):
        unexplained = [u for u in result["urls"] if u not in text or not explains(u, phrase)]
        if unexplained:
            problems.append(f"  {phrase!r}: {len(unexplained)} of {result['total']} results do not contain it: " + ", ".join(unexplained[:5]))
    assert not problems, "page chrome seems to be indexed:\n" + "\n".join(problems)
    # Sanity: the related titles do find their own article.
    for title, result in zip(phrases, results):
        if title in related:
            assert plain(built_site.article_urls[title]) in result["urls"], f"{title!r} does not find its own article"


def _own_text(doc) -> str:
    """An article's title and body as Pagefind sees them: link targets and HTML comments dropped."""
    body = re.sub(r"<!--.*?-->", " ", doc.body, flags=re.DOTALL)
    body = re.sub(r"\]\((?:<[^>]*>|[^)\s]*)\)", "] ", body)  # [text](target) -> [text]
    return fold(doc.title + "\n" + body)
