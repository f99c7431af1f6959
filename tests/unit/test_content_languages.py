"""kb.content.languages: site.yaml's languages, fallback and i18n; file-name suffixes."""

from __future__ import annotations

import pytest

from kb.content.config import parse_config
from kb.content.languages import is_known, language_name, looks_like_language, suffix_language
from kb.content.yamlpos import load_yaml
from kb.model import Language


def _config(text: str):
    config, found = parse_config(load_yaml(text), "site.yaml")
    return config, [d.format() for d in found]


def test_without_languages_the_site_has_one() -> None:
    config, found = _config("language: fr\n")
    assert found == []
    assert config.languages == (Language("fr", "fr", False, ""),)
    assert not config.multilingual


def test_codes_and_names_from_cldr() -> None:
    config, found = _config("languages: [en, pt-BR, zh-Hant, ar, {code: x-klingon, name: tlhIngan}]\n")
    assert found == []
    assert [(lang.code, lang.name, lang.rtl, lang.path) for lang in config.languages] == [
        ("en", "English", False, ""),
        ("pt-BR", "Português (Brasil)", False, "pt-br"),
        ("zh-Hant", "中文 (繁體)", False, "zh-hant"),
        ("ar", "العربية", True, "ar"),
        ("x-klingon", "tlhIngan", False, "x-klingon"),
    ]
    assert config.default_language == "en" and config.language == "en"


def test_underscore_code_is_read_with_a_hyphen_and_a_warning() -> None:
    config, found = _config("languages: [en, pt_BR]\n")
    assert config.languages[1].code == "pt-BR"
    assert found == ["site.yaml:1:17: warning: language 'pt_BR' is written 'pt-BR' (BCP 47 joins its parts with '-')"]


def test_default_true_comes_first_and_dir_can_be_given() -> None:
    config, found = _config("languages:\n  - en\n  - {code: es, default: true}\n  - {code: syc, name: Syriac, dir: rtl}\n")
    assert found == []
    assert [lang.code for lang in config.languages] == ["es", "en", "syc"]
    assert config.languages[0].path == "" and config.languages[1].path == "en"
    assert config.languages[2].rtl


@pytest.mark.parametrize("text, message", [
    ("languages: [en, sp]\n", "site.yaml:1:17: language 'sp' is not a language CLDR knows; check the code, or give "
                              "the language's name with name:"),
    ("languages: [en, 'english!']\n", "site.yaml:1:17: language 'english!' is not a language code such as 'en', "
                                      "'fr' or 'pt-BR' (BCP 47)"),
    ("languages: [en, es, ES]\n", "site.yaml:1:21: language 'ES' is listed twice (also as 'es')"),
    ("languages: [en, x" + "-abcdefgh" * 40 + "]\n",
     "site.yaml:1:17: language code 'x-abcdefgh-abcdefgh-...' is longer than 35 characters"),
    ("languages: [en, tags]\n", "site.yaml:1:17: language 'tags' is not a language code such as 'en', 'fr' or "
                                "'pt-BR' (BCP 47)"),
    ("languages:\n  - {code: en, default: true}\n  - {code: es, default: true}\n",
     "site.yaml:3:25: only one language can be the default; 'en' is already"),
    ("languages: {en: English}\n", "site.yaml:1:12: languages must be a list of {code, name}, such as "
                                   "[{code: en, name: English}]"),
    ("languages: [en, {code: es, dir: up}]\n", "site.yaml:1:33: dir must be ltr or rtl, not 'up'"),
    ("language: fr\nlanguages: [en, fr]\n", "site.yaml:1:11: language 'fr' is not the default of languages ('en'); "
                                           "remove it or make it the default"),
])
def test_broken_languages(text: str, message: str) -> None:
    assert message in _config(text)[1]


def test_an_unknown_code_with_a_name_is_taken() -> None:
    config, found = _config("languages: [en, {code: qya, name: Quenya}]\n")
    assert found == []
    assert config.languages[1] == Language("qya", "Quenya", False, "qya")


def test_is_known() -> None:
    assert all(map(is_known, ["en", "es", "pt-BR", "EN", "fil", "tlh", "x-private", "qaa", "zh-Hant"]))
    assert not any(map(is_known, ["sp", "qq", "zz-Latn"]))


def test_fallback() -> None:
    assert _config("languages: [en, es]\n")[0].fallback == "show"
    assert _config("languages: [en, es]\nfallback: hide\n")[0].fallback == "hide"
    config, found = _config("languages: [en, es]\nfallback: english\n")
    assert config.fallback == "show"
    assert found == ["site.yaml:2:11: fallback must be 'show' (list the original) or 'hide', not 'english'"]


def test_i18n_strings_and_their_fallback() -> None:
    config, found = _config(
        "title: Help\ntagline: Hi\nlanguages: [en, es, fr]\nnotice: {text: Closed, level: info}\n"
        "i18n:\n  ES:\n    tagline: Hola\n    notice: Cerrado\n"
    )
    assert found == []
    es, fr = config.for_language("es"), config.for_language("fr")
    assert (es.title, es.tagline, es.notice.text, es.notice.level) == ("Help", "Hola", "Cerrado", "info")
    assert (fr.tagline, fr.notice.text) == ("Hi", "Closed")


@pytest.mark.parametrize("text, message", [
    ("languages: [en, es]\ni18n: {fr: {tagline: Salut}}\n",
     "site.yaml:2:8: language 'fr' is not one of the site's languages (en, es)"),
    ("languages: [en, es]\ni18n: [es]\n",
     "site.yaml:2:7: i18n must be a mapping of language codes to site strings, such as {es: {tagline: ...}}"),
    ("languages: [en, es]\ni18n: {es: {logo: x.svg}}\n", "site.yaml:2:13: warning: unknown setting 'logo'"),
])
def test_broken_i18n(text: str, message: str) -> None:
    assert any(line.startswith(message) for line in _config(text)[1]), _config(text)[1]


def test_language_name() -> None:
    assert language_name("es") == "Español"
    assert language_name("pt-BR") == "Português (Brasil)"
    assert language_name("x-private") == "x-private"


LANGS = (Language("en", "English"), Language("es", "Español", path="es"), Language("pt-BR", "Português", path="pt-br"))


@pytest.mark.parametrize("name, found", [
    ("refund.es.md", ("es", "refund.md")),
    ("refund.ES.md", ("es", "refund.md")),
    ("refund.pt-br.md", ("pt-BR", "refund.md")),
    ("refund.pt_BR.md", ("pt-BR", "refund.md")),
    ("refund.es.es.md", ("es", "refund.es.md")),
    ("refund.md", None),
    ("setup.old.md", None),
    (".es.md", None),
])
def test_suffix_language(name: str, found) -> None:
    assert suffix_language(name, LANGS) == found


def test_looks_like_language() -> None:
    assert looks_like_language("fr") and looks_like_language("pt-BR")
    assert not looks_like_language("old") and not looks_like_language("x-foo") and not looks_like_language("v2")


def test_codes_are_written_in_their_usual_letter_case() -> None:
    """`pt-br` and `ES` are `pt-BR` and `es`: catalogs (pt_BR) and search find them by that spelling."""
    from kb.content.languages import canonical

    assert [canonical(c) for c in ("pt-br", "ES", "zh-hant", "sr-latn-rs", "es-419", "en-US-x-twain", "x-private")] == [
        "pt-BR", "es", "zh-Hant", "sr-Latn-RS", "es-419", "en-US-x-twain", "x-private"]


def test_a_file_name_with_an_empty_suffix_is_not_a_translation() -> None:
    from kb.content.languages import suffix_language
    from kb.model import Language

    languages = (Language("en", "English"), Language("es", "Español", False, "es"))
    assert suffix_language("refund..md", languages) is None
    assert suffix_language("refund.es.md", languages) == ("es", "refund.md")
