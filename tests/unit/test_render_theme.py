"""kb.render.theme: page contexts and theme selection, checked through real builds of scratch projects."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbtest import write_tree
from kb.cli.commands import cli

EPOCH = "1583020800"  # 2020-03-01T00:00:00Z
DAY = 86400
NOTICE_SITE = """\
title: Acme Help
notice:
  text: Maintenance on Sunday
  level: warning
  start: 2020-03-02
  end: 2020-03-04
"""
LONG_BODY = " ".join(f"word{i:02d}" for i in range(60))
TWO = "# Two headings\n## One\n\nText.\n\n## Two\n"
THREE = "# Three headings\n## One\n### One point one\n## Two\n"
SHARED = {
    "content/site.yaml": (
        "title: Acme & Co\ncontact:\n  email: help@acme.test\n"
        "footer_links:\n  - title: Status\n    url: https://status.acme.test\n"
    ),
    "content/billing/_category.yaml": "title: Billing\norder: 1\n",
    "content/billing/zeta.md": "---\ntitle: Zeta\norder: 1\n---\n",
    "content/billing/alpha.md": "---\ntitle: Alpha\nsummary: The <summary>.\n---\nBody is not used.\n",
    "content/billing/beta.md": "---\ntitle: Beta\n---\nFirst *paragraph* &amp; more.\n\n```\ncode\n```\n",
    "content/billing/cards/visa.md": "# Visa\n",
    "content/billing/cards/amex.md": "# Amex\n",
    "content/billing/cards/diners.md": "# Diners\n",
    "content/billing/cards/mastercard.md": "# Mastercard\n",
    "content/setup/start.md": f"---\ntitle: Start\nfeatured: true\n---\n{LONG_BODY}\n",
    "content/setup/two.md": TWO,
    "content/setup/three.md": THREE,
    "content/setup/tagged.md": (
        "---\ntitle: Tagged\ndate: 2020-01-05\nupdated: 2020-02-09\ntags: [Money Back, guía]\n---\nText.\n"
    ),
    "content/empty/notes.txt": "no articles here",
}


def _build(kb, tmp_path: Path, files: dict[str, str | bytes], *args: str, epoch: str = EPOCH, expect: int = 0):
    project = write_tree(tmp_path / "project", files)
    out = tmp_path / "out"
    result = kb(["build", "--content", "content", "--out", str(out), *args], cwd=project,
                env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == expect, result.stderr
    return out, result


def _page(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of SHARED for the read-only tests below (the `kb` fixture is per test)."""
    tmp = tmp_path_factory.mktemp("theme")
    project = write_tree(tmp / "project", SHARED)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        result = CliRunner().invoke(cli, ["build", "--content", "content", "--out", str(tmp / "out")],
                                    env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return tmp / "out"


# --- notice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (int(EPOCH) + DAY - 1, False),       # 2020-03-01 23:59:59, the day before
        (int(EPOCH) + 4 * DAY - 1, True),    # 2020-03-04 23:59:59, the last day
        (int(EPOCH) + 4 * DAY, False),       # 2020-03-05 00:00:00, the day after
    ],
)
def test_notice_shows_only_inside_its_dates(kb, tmp_path: Path, seconds: int, shown: bool) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": NOTICE_SITE,
        "content/billing/pay.md": "# Pay\nBody.\n",
    }, epoch=str(seconds))
    for page in ("index.html", "billing/index.html", "billing/pay/index.html", "404.html"):
        html = _page(out, page)
        assert ('<div class="notice notice-warning"' in html) is shown, page
        assert ("<p>Maintenance on Sunday</p>" in html) is shown, page


def test_notice_without_dates_always_shows(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "notice:\n  text: Hello <all>\n",
        "content/billing/pay.md": "# Pay\n",
    })
    assert '<div class="notice notice-info"' in _page(out, "index.html")
    assert "<p>Hello &lt;all&gt;</p>" in _page(out, "index.html")


# --- home page --------------------------------------------------------------------------


def _cards(html: str) -> list[tuple[str, list[tuple[str, str]], str]]:
    """(card title, [(href, title)] of its article list, view-all text or "") for each home card."""
    cards = []
    for card in html.split('<li class="card">')[1:]:
        title = re.search(r'<h3 class="card-title"><a href="[^"]*">.*?<span>(.*?)</span></a></h3>', card, re.S)
        links = re.search(r'<ul class="link-list">(.*?)</ul>', card, re.S)
        items = re.findall(r'<a href="([^"]*)">([^<]*)</a>', links.group(1)) if links else []
        view_all = re.match(r'\s*<p class="view-all">(.*?)</p>', card[links.end():] if links else "", re.S)
        cards.append((title.group(1) if title else "?", items, re.sub(r"<[^>]+>", "", view_all.group(1)) if view_all else ""))
    return cards


def test_home_shows_five_articles_per_card_and_view_all(site: Path) -> None:
    assert _cards(_page(site, "index.html")) == [
        ("Billing", [
            ("/billing/zeta/", "Zeta"),
            ("/billing/alpha/", "Alpha"),
            ("/billing/beta/", "Beta"),
            ("/billing/cards/amex/", "Amex"),
            ("/billing/cards/diners/", "Diners"),
        ], "View all 7 articles in Billing"),
        ("setup", [
            ("/setup/start/", "Start"),
            ("/setup/tagged/", "Tagged"),
            ("/setup/three/", "Three headings"),
            ("/setup/two/", "Two headings"),
        ], ""),  # all four are listed: no "View all 4 articles"
    ]


def test_home_view_all_only_when_the_card_lists_fewer_than_there_are(kb, tmp_path: Path) -> None:
    pages = {f"content/billing/pay-{n}.md": f"# Pay {n}\n" for n in range(5)}
    out, _ = _build(kb, tmp_path, {**pages, "content/billing/pay.md": "# Pay\n", "content/one/only.md": "# Only\n"})
    assert [(title, len(items), view_all) for title, items, view_all in _cards(_page(out, "index.html"))] == [
        ("billing", 5, "View all 6 articles in billing"),
        ("one", 1, ""),
    ]
    out, _ = _build(kb, tmp_path / "five", pages)
    assert [(title, len(items), view_all) for title, items, view_all in _cards(_page(out, "index.html"))] == [
        ("billing", 5, ""),
    ]


def test_home_featured_articles_show_their_excerpts(site: Path) -> None:
    featured = re.search(r'<section class="wrap featured".*?</section>', _page(site, "index.html"), re.S)
    assert featured is not None
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', featured.group(0)) == [("/setup/start/", "Start")]
    assert re.findall(r'<p class="excerpt">(.*?)</p>', featured.group(0)) == [
        " ".join(f"word{i:02d}" for i in range(28)) + "…"
    ]


# --- excerpts ---------------------------------------------------------------------------


def test_category_page_shows_excerpts(site: Path) -> None:
    assert re.findall(r'<p class="excerpt">(.*?)</p>', _page(site, "billing/index.html"))[:2] == [
        "The &lt;summary&gt;.",
        "First paragraph &amp; more.",
    ]
    assert re.findall(r'<p class="excerpt">(.*?)</p>', _page(site, "setup/index.html"))[0] == (
        " ".join(f"word{i:02d}" for i in range(28)) + "…"
    )
    assert '<meta name="description" content="The &lt;summary&gt;.">' in _page(site, "billing/alpha/index.html")


# --- table of contents ------------------------------------------------------------------


def test_toc_needs_three_headings(site: Path) -> None:
    two = _page(site, "setup/two/index.html")
    assert '<nav class="toc"' not in two
    assert '<div class="article-layout">' in two
    html = _page(site, "setup/three/index.html")
    assert '<div class="article-layout has-toc">' in html
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
    assert toc is not None
    assert re.findall(r'<li class="toc-level-(\d)"><a href="([^"]*)">([^<]*)</a></li>', toc.group(0)) == [
        ("2", "#one", "One"), ("3", "#one-point-one", "One point one"), ("2", "#two", "Two"),
    ]


def test_toc_min_headings_setting(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "markdown:\n  toc_min_headings: 2\n",
        "content/billing/two.md": TWO,
    })
    assert '<nav class="toc"' in _page(out, "billing/two/index.html")


def test_toc_min_headings_zero_disables_the_toc(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "markdown:\n  toc_min_headings: 0\n",
        "content/billing/three.md": THREE,
    })
    assert '<nav class="toc"' not in _page(out, "billing/three/index.html")


# --- article page -----------------------------------------------------------------------


def test_article_dates_and_tags(site: Path) -> None:
    html = _page(site, "setup/tagged/index.html")
    assert 'Updated <time datetime="2020-02-09">February 9, 2020</time>' in html
    assert '<a class="tag" href="/tags/money-back/" data-pagefind-filter="tag">Money Back</a>' in html
    assert '<a class="tag" href="/tags/gu%C3%ADa/" data-pagefind-filter="tag">guía</a>' in html
    assert (site / "tags" / "guía" / "index.html").is_file()
    assert (site / "tags" / "money-back" / "index.html").is_file()


def test_contact_and_footer_links(site: Path) -> None:
    html = _page(site, "billing/zeta/index.html")
    assert '<a class="button" href="/contact/">Contact us</a>' in html
    contact = _page(site, "contact/index.html")
    assert '<form class="contact-form" method="get" action="mailto:help@acme.test" data-kb-contact>' in contact
    assert '<a href="mailto:help@acme.test">help@acme.test</a>' in contact
    assert '<li><a href="https://status.acme.test">Status</a></li>' in html
    assert "<title>Zeta – Acme &amp; Co</title>" in html


def test_related_articles(site: Path) -> None:
    related = re.search(r'<aside class="related".*?</aside>', _page(site, "billing/cards/visa/index.html"), re.S)
    assert related is not None
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', related.group(0)) == [
        ("/billing/cards/amex/", "Amex"),
        ("/billing/cards/diners/", "Diners"),
        ("/billing/cards/mastercard/", "Mastercard"),
    ]


def test_draft_badge_with_drafts(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/billing/wip.md": "---\ntitle: Work in progress\ndraft: true\n---\n",
    }, "--drafts")
    html = _page(out, "billing/wip/index.html")
    assert '<h1 data-pagefind-weight="10" data-pagefind-meta="title">Work in progress</h1>' in html
    assert '<p class="badge badge-draft" data-pagefind-ignore>Draft</p>' in html


# --- templates and themes ---------------------------------------------------------------


def test_project_template_overrides_one_theme_template(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/templates/404.html": (
            '{% extends "base.html" %}{% block content %}<p class="custom-404">Lost? {{ page.title }}</p>'
            "{% endblock %}\n"
        ),
        "content/billing/pay.md": "# Pay\n",
    })
    not_found = _page(out, "404.html")
    assert '<p class="custom-404">Lost? Page not found</p>' in not_found
    assert '<header class="site-header">' in not_found  # base.html still comes from the theme
    assert "Sorry, we couldn't find that page" not in not_found
    assert '<section class="hero"' in _page(out, "index.html")
    assert not (out / "templates").exists()


MINI_THEME = {
    "templates/base.html": "<html><body>{% block content %}{% endblock %}</body></html>\n",
    "templates/home.html": "{% extends 'base.html' %}{% block content %}BRAND HOME {{ site.title }}{% endblock %}\n",
    "templates/category.html": "{% extends 'base.html' %}{% block content %}CAT {{ category.title }}{% endblock %}\n",
    "templates/article.html": (
        "{% extends 'base.html' %}{% block content %}ART {{ article.title }}|{{ article.body|safe }}"
        "|{{ 'assets/brand.css'|url }}{% endblock %}\n"
    ),
    "templates/tags.html": "TAGS\n",
    "templates/tag.html": "TAG {{ tag }}\n",
    "templates/404.html": "BRAND 404\n",
    "templates/robots.txt": "ROBOTS\n",
    "templates/sitemap.xml": "SITEMAP\n",
    "static/brand.css": "body{color:red}",
    "static/img/mark.svg": "<svg/>",
}


@pytest.mark.parametrize(("theme", "folder"), [("../brand", "brand"), ("_brand", "content/_brand")])
def test_theme_folder_of_the_project(kb, tmp_path: Path, theme: str, folder: str) -> None:
    files = {f"{folder}/{k}": v for k, v in MINI_THEME.items()}
    files.update({"content/site.yaml": f"theme: {theme}\n", "content/billing/pay.md": "# Pay\nBody\n"})
    out, _ = _build(kb, tmp_path, files)
    assert _page(out, "index.html") == "<html><body>BRAND HOME Help Center</body></html>\n"
    assert _page(out, "billing/index.html") == "<html><body>CAT billing</body></html>\n"
    assert _page(out, "billing/pay/index.html") == (
        "<html><body>ART Pay|<p>Body</p>|/assets/brand.css</body></html>\n"
    )
    assert _page(out, "404.html") == "BRAND 404\n"
    assert _page(out, "robots.txt") == "ROBOTS\n"
    assert _page(out, "assets/brand.css") == "body{color:red}\n"  # stylesheets are published minified
    assert _page(out, "assets/img/mark.svg") == "<svg/>"
    # what the theme does not define comes from the default theme
    assert (out / "assets" / "kb.css").exists()
    assert (out / "search" / "index.html").exists()
    assert not (out / "_brand").exists()


def test_unknown_theme_is_an_error(kb, tmp_path: Path) -> None:
    _, result = _build(kb, tmp_path, {
        "content/site.yaml": "theme: ../nowhere\n",
        "content/billing/pay.md": "# Pay\n",
    }, expect=1)
    assert result.stderr.splitlines()[0] == "content/site.yaml:1:1: theme '../nowhere' not found"


def test_template_error_is_reported(kb, tmp_path: Path) -> None:
    _, result = _build(kb, tmp_path, {
        "content/templates/404.html": "{{ no_such_thing.field }}\n",
        "content/billing/pay.md": "# Pay\n",
    }, expect=1)
    assert result.stderr.splitlines() == [
        "content/templates/404.html:1:1: template error while rendering /404.html: 'no_such_thing' is undefined",
        "kb: build failed: 1 error, 0 warnings; '" + str(tmp_path / "out") + "' was left as it was",
    ]
    assert not (tmp_path / "out").exists()


def test_relative_logo_gets_the_prefix(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "logo: media/logo.svg\n",
        "content/media/logo.svg": "<svg/>",
        "content/billing/pay.md": "# Pay\n",
    }, "--base-url", "https://x.org/help/")
    assert '<img class="brand-logo" src="/help/media/logo.svg"' in _page(out, "index.html")


def test_absolute_logo_url_is_kept(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "logo: https://cdn.acme.test/logo.png\n",
        "content/billing/pay.md": "# Pay\n",
    })
    assert '<img class="brand-logo" src="https://cdn.acme.test/logo.png"' in _page(out, "index.html")


def test_every_page_links_the_theme_s_favicon_under_the_prefix(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {"content/billing/pay.md": "# Pay\n"}, "--base-url", "https://x.org/help/")
    for page in ("index.html", "billing/index.html", "billing/pay/index.html", "404.html", "search/index.html"):
        assert '<link rel="icon" href="/help/assets/favicon.svg">' in _page(out, page), page
    assert (out / "assets" / "favicon.svg").read_bytes().startswith(b"<svg")


def test_favicon_from_site_yaml(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {
        "content/site.yaml": "favicon: media/Team Icon.png\n",
        "content/media/Team Icon.png": b"\x89PNG",
        "content/billing/pay.md": "# Pay\n",
    }, "--base-url", "https://x.org/help/")
    assert '<link rel="icon" href="/help/media/Team%20Icon.png">' in _page(out, "billing/pay/index.html")
    assert (out / "media" / "Team Icon.png").read_bytes() == b"\x89PNG"
    out, _ = _build(kb, tmp_path / "url", {
        "content/site.yaml": "favicon: https://cdn.acme.test/i.png?v=1&x=2\n", "content/billing/pay.md": "# Pay\n"})
    assert '<link rel="icon" href="https://cdn.acme.test/i.png?v=1&amp;x=2">' in _page(out, "index.html")


def test_missing_favicon_warns_and_links_the_theme_s(kb, tmp_path: Path) -> None:
    out, result = _build(kb, tmp_path, {"content/site.yaml": "favicon: media/icon.png\n", "content/pay.md": "# Pay\n"})
    assert "content/site.yaml:1:10: warning: favicon file not found: 'media/icon.png'; the theme's is used" in result.stderr
    assert '<link rel="icon" href="/assets/favicon.svg">' in _page(out, "index.html")


@pytest.mark.parametrize("source", [
    "{{ d.title }}|{{ d['title'] }}",
    "{{ d.items is callable }}|{{ d['items'] }}",  # a dict's own attribute wins over its key, as in Jinja
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    "{{ d.get('title') }}|{{ d.missing is defined }}|{{ n.x is defined }}",
    "{{ o.real }}|{{ s.upper() }}|{{ l.0 }}",
])
def test_reading_a_dict_key_as_an_attribute_gives_what_jinja_gives(source: str) -> None:
    import jinja2

    from kb.render.theme import Environment

    values = {"d": {"title": "Refunds", "items": "3 items"}, "n": {}, "o": 5, "s": "abc", "l": ["first"]}
    expected = jinja2.Environment().from_string(source).render(values)
    assert Environment().from_string(source).render(values) == expected


def test_a_missing_key_read_as_an_attribute_is_the_same_strict_error() -> None:
    import jinja2

    from kb.render.theme import Environment

    errors = []
    for kind in (jinja2.Environment, Environment):
        with pytest.raises(jinja2.UndefinedError) as caught:
            kind(undefined=jinja2.StrictUndefined).from_string("{{ d.missing }}").render(d={"title": "x"})
        errors.append(str(caught.value))
    assert errors[0] == errors[1] == "'dict object' has no attribute 'missing'"


@pytest.mark.parametrize("source", [
    "<p title=\"{{ s }}\">{{ s }}</p>",
    "{{ m }}|{{ n }}|{{ none }}|{{ s | upper }}|{{ s ~ m }}",
    "{% set x %}<b>{{ s }}</b>{% endset %}{{ x }}|{{ x | length }}",
    "{% macro box(v) %}<i>{{ v }}</i>{% endmacro %}{{ box(s) }}{% filter upper %}{{ s }}{% endfilter %}",
    "{% for v in [s, m, 3] %}{{ v }}{% if not loop.last %},{% endif %}{% endfor %}",
])
def test_writing_values_gives_what_jinja_writes(source: str) -> None:
    import jinja2
    import markupsafe

    from kb.render.theme import Environment

    values = {"s": "<Tom & \"Jerry's\">", "m": markupsafe.Markup("<em>safe</em>"), "n": 3.5, "none": None}
    expected = jinja2.Environment(autoescape=True).from_string(source).render(values)
    assert Environment(autoescape=True).from_string(source).render(values) == expected


# --- the untrusted mode runs the project's templates in Jinja's sandbox ----------------------------

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('echo pwned | tee ran.txt').read() }}"  # in the project folder


@pytest.mark.parametrize(("switch", "folder"), [
    (("--untrusted",), "content/templates"),
    ((), "content/templates"),  # untrusted: true in site.yaml
    (("--untrusted",), "content/_brand/templates"),  # a theme folder inside the content folder
], ids=["flag", "site.yaml", "theme-in-content"])
def test_a_template_cannot_run_commands_in_the_untrusted_mode(kb, tmp_path: Path, switch: tuple, folder: str) -> None:
    files = {
        "content/site.yaml": ("theme: _brand\n" if "_brand" in folder else "") + ("" if switch else "untrusted: true\n"),
        f"{folder}/404.html": "{% extends 'base.html' %}\n{% block content %}\n<p>Lost</p>\n" + PAYLOAD + "\n{% endblock %}\n",
        "content/billing/pay.md": "# Pay\n",
    }
    _, result = _build(kb, tmp_path, files, *switch, expect=1)
    assert result.stderr.splitlines() == [
        f"{folder}/404.html:4:1: template error while rendering /404.html: "
        "access to attribute '__init__' of 'type' object is unsafe.",
        "kb: build failed: 1 error, 0 warnings; '" + str(tmp_path / "out") + "' was left as it was",
    ]
    assert "pwned" not in result.stdout + result.stderr and not (tmp_path / "out").exists()
    assert not (tmp_path / "project" / "ran.txt").exists()  # the command never ran


def test_without_the_untrusted_mode_templates_are_trusted_code(kb, tmp_path: Path) -> None:
    out, _ = _build(kb, tmp_path, {"content/templates/404.html": PAYLOAD + "\n", "content/billing/pay.md": "# Pay\n"})
    assert _page(out, "404.html") == "pwned\n\n"  # the command ran: the payload above is a real one
    assert (tmp_path / "project" / "ran.txt").read_text() == "pwned\n"


def test_the_sandbox_error_names_the_template_and_line_it_is_in(kb, tmp_path: Path) -> None:
    _, result = _build(kb, tmp_path, {
        "content/templates/base.html": "<html>\n<body>\n{{ ''.__class__.__mro__ }}\n</body></html>\n",
        "content/billing/pay.md": "# Pay\n",
    }, "--untrusted", expect=1)
    assert result.stderr.splitlines()[0] == (
        "content/templates/base.html:3:1: template error while rendering /index.html: "
        "access to attribute '__class__' of 'str' object is unsafe.")


def test_the_default_theme_renders_every_page_the_same_in_the_sandbox(tmp_path: Path) -> None:
    """The example site (every page kind, the status pages too), rendered in the sandbox and outside it."""
    import jinja2.sandbox

    from kb.build import BuildOptions
    from kb.load import load_site
    from kb.runner import Runner
    from kb.speed.runner import Speed
    from kb.render.pages import render_site
    from kb.render.theme import make_environment
    from kbtest import REPO

    options = BuildOptions(content=REPO / "content", out=tmp_path / "out",
                           now=dt.datetime(2026, 11, 26, 20, tzinfo=dt.UTC), git_dates=False)
    prepared = load_site(options, Speed())
    sandboxed = make_environment(prepared.theme, options.content, prepared.site.config.url_prefix, sandboxed=True,
                            catalogs=prepared.catalogs, default_language=prepared.site.config.language)
    assert isinstance(sandboxed, jinja2.sandbox.SandboxedEnvironment)
    assert not isinstance(prepared.env, jinja2.sandbox.SandboxedEnvironment)
    outside, _ = render_site(prepared.site, prepared.rendered, prepared.env, prepared.theme, options.content, Runner(), prepared.catalogs)
    inside, problems = render_site(prepared.site, prepared.rendered, sandboxed, prepared.theme, options.content, Runner(), prepared.catalogs)
    assert problems == ()
    pages = [f for f in outside if f.data is not None and f.path.endswith((".html", ".xml", ".atom", ".rss", ".svg"))]
    assert len(pages) > 100 and any(f.path.startswith("status/incidents/") for f in pages)
    assert [(f.path, f.data) for f in inside if f.data is not None] == [(f.path, f.data) for f in outside if f.data is not None]
