"""kb.render.i18n: message catalogs (order, fallbacks, broken files), the i18n extension in both
environments, longdate in several languages, and the completeness of the shipped catalogs."""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kbtest import write_tree
from kb.render.i18n import CONTEXT_MESSAGES, Catalogs, load_catalogs
from kb.render.theme import make_environment
from kb.speed.runner import Speed

REPO = Path(__file__).resolve().parents[2]
THEME = REPO / "themes" / "default"
SHIPPED = ("en", "es", "fr", "de", "pt-BR", "ja")
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {forms}\\n"\n\n'
TWO = "nplurals=2; plural=(n != 1);"


def po(messages: dict[str, str], forms: str = TWO, extra: str = "") -> str:
    """A .po file with `messages` (msgid -> msgstr)."""
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in messages.items())
    return HEADER.format(forms=forms) + body + extra


def catalog(code: str) -> str:
    return f"locales/{code}/LC_MESSAGES/messages.po"


# --- load_catalogs ----------------------------------------------------------------------


def test_project_over_theme_over_default_theme_message_by_message(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        f"content/{catalog('es')}": po({"Home": "Portada"}),
        f"theme/{catalog('es')}": po({"Home": "Inicio (tema)", "Tags": "Etiquetas (tema)"}),
        f"default/{catalog('es')}": po({"Home": "Inicio", "Tags": "Etiquetas", "Search": "Buscar"}),
    })
    found, problems = load_catalogs([root / "content/locales", root / "theme/locales", root / "default/locales"],
                                    ["es"], root / "content")
    assert problems == []
    say = found.gettext("es")
    assert [say("Home"), say("Tags"), say("Search"), say("Contact us")] == [
        "Portada", "Etiquetas (tema)", "Buscar", "Contact us"]


def test_a_language_without_a_catalog_gets_the_msgids(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {f"theme/{catalog('es')}": po({"Home": "Inicio"})})
    found, problems = load_catalogs([root / "theme/locales"], ["sv", "es"])
    assert problems == []
    assert found.gettext("sv")("Home") == "Home"
    assert found.ngettext("sv")("%(num)s article", "%(num)s articles", 1) == "%(num)s article"
    assert found.ngettext("sv")("%(num)s article", "%(num)s articles", 2) == "%(num)s articles"
    assert Catalogs().gettext("es")("Home") == "Home"


def test_region_codes_find_either_folder_name_and_fall_back_to_the_language(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        f"t/{catalog('pt_BR')}": po({"Home": "Início"}),
        f"t/{catalog('pt')}": po({"Home": "Início (pt)"}),
        f"t/{catalog('zh-Hant')}": po({"Home": "首頁"}),
    })
    found, problems = load_catalogs([root / "t/locales"], ["pt-BR", "pt-PT", "zh-Hant", "de-AT"])
    assert problems == []
    assert found.gettext("pt-BR")("Home") == "Início"
    assert found.gettext("pt-PT")("Home") == "Início (pt)"  # no pt_PT: its primary subtag
    assert found.gettext("zh-Hant")("Home") == "首頁"
    assert found.gettext("de-AT")("Home") == "Home"


@pytest.mark.parametrize(("text", "line", "message"), [
    (po({"Home": "Inicio"}, extra='hello world\nmsgid "Tags"\nmsgstr "Etiquetas"\n'), 9, "catalog error: Unknown or misformatted keyword"),
    (po({"Home": "Inicio"}, extra='msgid "Tags"\n\nmsgid "Search"\nmsgstr "Buscar"\n'), 9, "catalog error: missing msgstr for msgid 'Tags'"),
    (po({"Home": "Inicio", "Search the %(title)s.": "Buscar en %(titulo)s."}), 9,
     "catalog error: translation of 'Search the %(title)s.': unknown named placeholder 'titulo'"),
    (po({}, extra='msgid "%(num)s day"\nmsgid_plural "%(num)s days"\nmsgstr[0] "a"\nmsgstr[1] "b"\nmsgstr[2] "c"\n'), 6,
     "catalog error: msg has more translations than num_plurals of catalog"),
    (po({}, extra='msgid "%(num)s day"\nmsgid_plural "%(num)s days"\nmsgstr[0] "%(num)s día"\n'), 6,
     "catalog error: translation of '%(num)s day': a plural form is empty"),
    (po({"Home": "Inicio"}, forms="nplurals=2; plural=(n !!= 1);"), 4, "catalog error: plural forms cannot be read"),
    (po({"Home": "Inicio"}).encode() + b'msgid "Tags"\nmsgstr "Etiq\xe9tas"\n', 10, "catalog error: not UTF-8 text"),
])
def test_a_broken_project_catalog_is_an_error_at_its_line(tmp_path: Path, text: str | bytes, line: int, message: str) -> None:
    root = write_tree(tmp_path, {f"content/{catalog('es')}": text, f"theme/{catalog('es')}": po({"Tags": "Etiquetas"})})
    found, problems = load_catalogs([root / "content/locales", root / "theme/locales"], ["es"], root / "content")
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.path, problem.line, problem.col, problem.is_error) == (catalog("es"), line, 1, True)
    assert problem.message.startswith(message), problem.message
    assert found.gettext("es")("Tags") == "Etiquetas"  # the other catalogs still load


def test_a_huge_project_catalog_is_refused_not_read(tmp_path: Path) -> None:
    """A catalog is held to an article's limit (1 MiB): a writer's 2 MiB file is an error, not memory spent."""
    huge = po({"Home": "Inicio"}) + "#" + "x" * (2 << 20) + "\n"
    root = write_tree(tmp_path, {f"content/{catalog('es')}": huge})
    found, problems = load_catalogs([root / "content/locales"], ["es"], root / "content")
    assert [(p.path, p.line, p.is_error) for p in problems] == [(catalog("es"), 1, True)]
    assert "catalog cannot be read" in problems[0].message and found.gettext("es")("Home") == "Home"


def test_a_broken_theme_catalog_is_named_by_its_own_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {f"theme/{catalog('es')}": "msgid \"Home\"\nmsgstr \"Inicio\"\nmsgid\n"})
    monkeypatch.chdir(root)
    _, problems = load_catalogs([root / "theme/locales"], ["es"], root / "content")
    assert [(p.path, p.line, p.in_content) for p in problems] == [(f"theme/{catalog('es')}", 3, False)]


def test_the_digest_follows_every_catalog_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {f"t/{catalog('es')}": po({"Home": "Inicio"})})
    first = load_catalogs([root / "t/locales"], ["es"])[0].digest
    assert load_catalogs([root / "t/locales"], ["es"])[0].digest == first
    (root / "t" / catalog("es")).write_text(po({"Home": "Portada"}), encoding="utf-8")
    assert load_catalogs([root / "t/locales"], ["es"])[0].digest != first


def test_plural_forms_come_from_each_catalog(tmp_path: Path) -> None:
    found, problems = load_catalogs([THEME / "locales"], SHIPPED)
    assert problems == []
    es, ja, fr = found.ngettext("es"), found.ngettext("ja"), found.ngettext("fr")
    one, many = "%(num)s day ago", "%(num)s days ago"
    assert [es(one, many, n) for n in (0, 1, 2)] == ["hace %(num)s días", "hace %(num)s día", "hace %(num)s días"]
    assert [fr(one, many, n) for n in (0, 1, 2)] == ["il y a %(num)s jour", "il y a %(num)s jour", "il y a %(num)s jours"]
    assert {ja(one, many, n) for n in (0, 1, 2, 100)} == {"%(num)s日前"}


# --- the Jinja environment --------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Catalogs:
    found, problems = load_catalogs([THEME / "locales"], SHIPPED)
    assert problems == []
    return found


@pytest.mark.parametrize("sandboxed", [False, True])
@pytest.mark.parametrize("quick", [False, True])
def test_words_follow_the_page_language_in_every_environment(tmp_path: Path, shipped: Catalogs, sandboxed: bool, quick: bool) -> None:
    env = make_environment(THEME, tmp_path, "/", sandboxed=sandboxed, quick=quick, catalogs=shipped, default_language="de")
    page = env.from_string('{{ _("Still need help?") }}|{{ ngettext("%(num)s article", "%(num)s articles", n) }}|'
                           '{% trans %}Related articles{% endtrans %}|{{ _("No articles match %(term)s.", term=t) }}')
    assert page.render(lang="es", n=1, t="<b>") == "¿Aún necesitas ayuda?|1 artículo|Artículos relacionados|Ningún artículo coincide con &lt;b&gt;."
    assert page.render(lang="ja", n=3, t="x") == "解決しない場合は|3件の記事|関連記事|xに一致する記事はありません。"
    assert page.render(n=2, t="x") == "Brauchen Sie noch Hilfe?|2 Artikel|Verwandte Artikel|Keine Artikel zu x gefunden."
    assert page.render(lang="sv", n=2, t="x") == "Still need help?|2 articles|Related articles|No articles match x."


def test_a_translation_is_text_never_markup(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {f"content/{catalog('es')}": po({"Home": '<img src=x onerror=alert(1)> & \\"q\\"'})})
    found, problems = load_catalogs([root / "content/locales"], ["es"], root / "content")
    assert problems == []
    env = make_environment(THEME, root / "content", "/", sandboxed=True, catalogs=found, default_language="es")
    assert env.from_string('<a title="{{ _("Home") }}">').render() == '<a title="&lt;img src=x onerror=alert(1)&gt; &amp; &#34;q&#34;">'
    plain = make_environment(THEME, root / "content", "/", catalogs=found, default_language="es")
    assert plain.from_string('{% autoescape false %}{{ _("Home") }}{% endautoescape %}').render() == '<img src=x onerror=alert(1)> & "q"'


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", "January 20, 2020"), ("es", "20 de enero de 2020"), ("de", "20. Januar 2020"), ("ja", "2020年1月20日"),
    ("pt-BR", "20 de janeiro de 2020"), ("x-unknown", "January 20, 2020"),
])
def test_longdate_writes_the_date_the_reader_s_way(tmp_path: Path, lang: str, shown: str) -> None:
    env = make_environment(THEME, tmp_path, "/", sandboxed=True)
    assert env.from_string("{{ d | longdate }}").render(d=dt.date(2020, 1, 20), lang=lang) == shown
    assert env.from_string("{{ d | longdate }}").render(d=None, lang=lang) == ""


def test_language_names_are_written_in_the_page_language(tmp_path: Path) -> None:
    env = make_environment(THEME, tmp_path, "/")
    names = env.from_string("{{ 'en' | language_name }}, {{ 'pt-BR' | language_name }}, {{ 'ja' | language_name }}")
    assert names.render(lang="es") == "inglés, portugués (Brasil), japonés"
    assert names.render(lang="de") == "Englisch, Portugiesisch (Brasilien), Japanisch"


def test_without_catalogs_the_words_are_the_templates_own(tmp_path: Path) -> None:
    env = make_environment(THEME, tmp_path, "/")
    page = env.from_string('{{ _("Still need help?") }} {{ ngettext("%(num)s article", "%(num)s articles", 2) }} {{ d | longdate }}')
    assert page.render(lang="es", d=dt.date(2020, 1, 20)) == "Still need help? 2 articles 20 de enero de 2020"


def test_kb_serve_compiles_the_templates_again_when_a_catalog_changes(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {f"t/{catalog('es')}": po({"Home": "Inicio"}), "content/x": ""})
    run = Speed(serve=True)
    first = load_catalogs([root / "t/locales"], ["es"])[0]
    env = run.environment(THEME, root / "content", "/", False, first, "es")
    assert run.environment(THEME, root / "content", "/", False, first, "es") is env
    (root / "t" / catalog("es")).write_text(po({"Home": "Portada"}), encoding="utf-8")
    second = load_catalogs([root / "t/locales"], ["es"])[0]
    again = run.environment(THEME, root / "content", "/", False, second, "es")
    assert again is not env
    assert again.from_string('{{ _("Home") }}').render() == "Portada"


# --- the shipped catalogs ---------------------------------------------------------------


def template_messages() -> set[str | tuple[str, str]]:
    """Every msgid the default theme's templates use, as Babel extracts them (Jinja's extractor)."""
    options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trim_blocks": "true", "lstrip_blocks": "true"}
    method_map = [(f"**.{ext}", "jinja2") for ext in ("html", "xml", "txt", "svg", "atom", "rss")]
    return {message for _, _, message, _, _ in extract_from_dir(str(THEME / "templates"), method_map, options_map={"**": options})}


def test_the_templates_use_gettext_at_all() -> None:
    found = template_messages()
    assert {"Still need help?", "Related articles", ("View all %(num)s article%(where)s", "View all %(num)s articles%(where)s")} <= found
    assert len(found) > 90


@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalog_translates_every_message(code: str) -> None:
    path = THEME / catalog(code.replace("-", "_"))
    with path.open("rb") as handle:
        parsed = read_po(handle, abort_invalid=True)
    gettext.c2py(parsed.plural_expr)  # the Plural-Forms expression parses as gettext reads it
    translated = {m.id: m.string for m in parsed if m.id and not m.fuzzy}
    wanted = template_messages() | set(CONTEXT_MESSAGES)
    missing = sorted(str(m) for m in wanted if not translated.get(m) or
                     (isinstance(translated[m], tuple) and (len(translated[m]) != parsed.num_plurals or not all(translated[m]))))
    assert missing == [], f"{path.relative_to(REPO)} lacks translations of {missing}"
    assert [problem for m in parsed if m.id for problem in m.check(parsed)] == []


# --- through a build ----------------------------------------------------------------------

SPANISH = {
    "content/site.yaml": "title: Ayuda\nlanguage: es\n",
    "content/billing/_category.yaml": "title: Facturación\n",
    "content/billing/refund.md": "---\ntitle: Reembolsos\ndate: 2019-06-04\nupdated: 2020-01-20\nrelated: [pay.md]\n---\nTexto.\n",
    "content/billing/pay.md": "# Pagar\nTexto.\n",
}


def test_a_spanish_site_gets_spanish_words_and_dates(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", SPANISH | {
        f"content/{catalog('es')}": po({"Still need help?": "¿Más dudas?"}),
    })
    result = kb(["build", "--content", "content", "--out", str(tmp_path / "out")], cwd=project)
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "out/billing/refund/index.html").read_text(encoding="utf-8")
    assert "Actualizado <time datetime=\"2020-01-20\">20 de enero de 2020</time>" in html
    assert ">Artículos relacionados</h2>" in html
    assert ">¿Más dudas?</h2>" in html  # the project's catalog over the theme's
    assert ">Nuestro equipo de soporte está para ayudarte." in html  # ...and the theme's for the rest
    assert '"none": "Ningún artículo coincide con {term}."' in html


def test_a_broken_project_catalog_fails_the_build_at_its_line(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", SPANISH | {
        f"content/{catalog('es')}": po({"Search the %(title)s.": "Buscar en %(titulo)s."}),
    })
    result = kb(["build", "--content", "content", "--out", str(tmp_path / "out")], cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"content/{catalog('es')}:6:1: catalog error: translation of 'Search the %(title)s.': unknown named placeholder 'titulo'")
    assert not (tmp_path / "out").exists()


def test_a_changed_catalog_renders_the_pages_again_despite_the_cache(kb, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", SPANISH | {f"content/{catalog('es')}": po({"Still need help?": "¿Más dudas?"})})
    build = ["build", "--content", "content", "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")]
    assert kb(build, cwd=project).exit_code == 0
    (project / "content" / catalog("es")).write_text(po({"Still need help?": "¿Alguna duda más?"}), encoding="utf-8")
    result = kb(build, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert ">¿Alguna duda más?</h2>" in (tmp_path / "out/billing/refund/index.html").read_text(encoding="utf-8")


def test_only_a_language_with_words_of_its_own_needs_the_scripts_words(tmp_path: Path, shipped: Catalogs) -> None:
    assert [code for code in SHIPPED if shipped.translates(code)] == ["es", "fr", "de", "pt-BR", "ja"]
    assert not shipped.translates("sv") and shipped.translates("es-MX")
    root = write_tree(tmp_path, {f"content/{catalog('en')}": po({"Search articles": "Search the docs"})})
    found, _ = load_catalogs([root / "content/locales", THEME / "locales"], ["en"], root / "content")
    assert found.translates("en")
    env = make_environment(THEME, root / "content", "/", catalogs=found)
    assert env.from_string('{{ translated() }} {{ _("Search articles") }} {{ _("Home") }}').render(lang="en") == "True Search the docs Home"


# --- the contract's context fields in the default theme -------------------------------------

PAGE = {"title": "Página no encontrada", "description": "", "canonical": "", "kind": "website", "image": "", "jsonld": []}
SITE = {"language": "es", "title": "Ayuda", "favicon": "/assets/favicon.svg", "logo": "", "notice": None,
        "categories": [], "footer_links": [], "status": None, "year": 2020}


def test_a_translated_page_uses_the_contract_fields(tmp_path: Path, shipped: Catalogs) -> None:
    env = make_environment(THEME, tmp_path, "/", catalogs=shipped)
    html = env.get_template("404.html").render(lang="es", page=PAGE | {"alternates": [
        {"hreflang": "es", "href": "https://help.test/es/x/"}, {"hreflang": "x-default", "href": "https://help.test/x/"}]},
        site=SITE | {"home": "/es/", "dir": "rtl", "languages": [
            {"code": "en", "name": "English", "url": "/", "current": False, "exists": False},
            {"code": "es", "name": "Español", "url": "/es/", "current": True, "exists": True}],
            "search": {"bundle": "/pagefind/es/", "fallback": {"bundle": "/pagefind/", "name": "English", "code": "en"}}})
    assert '<html lang="es" dir="rtl">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://help.test/x/">' in html
    assert 'data-kb-pagefind="/pagefind/es/" data-kb-pagefind-default="/pagefind/" data-kb-include-default="Incluir resultados en inglés"' in html
    assert '<nav class="language-switcher" aria-label="Idioma">' in html
    assert '<a href="/es/" lang="es" hreflang="es" aria-current="page">Español</a>' in html
    assert '<a href="/" lang="en" hreflang="en" title="Esta página no está traducida: ir a la página de inicio">English</a>' in html
    assert 'href="/es/contact/">Contactar</a>' in html and 'action="/es/search/"' in html and 'href="/es/feed.xml"' in html
    assert '<a class="button" href="/es/">Ir a la página de inicio</a>' in html


def test_a_one_language_page_has_no_switcher(tmp_path: Path, shipped: Catalogs) -> None:
    env = make_environment(THEME, tmp_path, "/", catalogs=shipped)
    html = env.get_template("404.html").render(lang="es", page=PAGE, site=SITE | {"languages": [
        {"code": "es", "name": "Español", "url": "/", "current": True, "exists": True}]})
    assert "language-switcher" not in html and "hreflang" not in html and "dir=" not in html  # ltr: the default


def test_an_outdated_translation_says_so_in_its_language(tmp_path: Path, shipped: Catalogs) -> None:
    env = make_environment(THEME, tmp_path, "/", catalogs=shipped)
    article = {"title": "Reembolsos", "known_issues": [], "toc": [], "draft": False, "category": "Facturación", "section": "",
               "updated": dt.date(2020, 1, 20), "body": "<p>Texto.</p>", "edit_url": "", "tags": [], "related": [],
               "outdated": {"url": "/billing/refund/", "language": "English"}}
    html = env.get_template("article.html").render(lang="es", page=PAGE, site=SITE, breadcrumbs=[], article=article)
    assert "Es posible que esta traducción esté desactualizada" in html
    assert '<a href="/billing/refund/">Leer el original actual (English)</a>' in html
    assert ">20 de enero de 2020</time>" in html


def test_an_untranslated_original_in_a_list_is_marked_with_its_language(tmp_path: Path) -> None:
    env = make_environment(THEME, tmp_path, "/")
    page = env.from_string('{% import "macros.html" as kb with context %}{{ kb.link_list(items) }}|{{ kb.article_list(items) }}')
    items = [{"url": "/a/", "title": "Refund", "draft": False, "lang": "en", "language": "English", "excerpt": ""},
             {"url": "/es/b/", "title": "Pago", "draft": False, "lang": "es", "language": "", "excerpt": ""}]
    html = page.render(site={}, items=items)
    mark = '<a href="/a/" lang="en" hreflang="en">Refund</a> <span class="badge badge-language" lang="en">English</span>'
    assert html.count(mark) == 2 and html.count('<a href="/es/b/">Pago</a>') == 2
