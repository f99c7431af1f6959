"""kb.content.config: site.yaml → SiteConfig, defaults, warnings for unknown settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbtest import write_tree
from kb.content.config import load_config
from kb.model import Contact, Link, MarkdownOptions, Notice, SiteConfig

FULL = """\
title: Acme Help
tagline: We help
base_url: https://help.acme.test/docs/
language: fr
logo: media/logo.svg
favicon: media/icon.png
contact:
  email: help@acme.test
  url: https://acme.test/contact
notice:
  text: Maintenance on Sunday
  level: critical
  start: 2020-03-01
  end: 2020-03-05
footer_links:
  - title: Status
    url: https://status.acme.test
  - {title: Blog, url: /blog}
theme: ../brand
extra_keys: ["ms.*", author]
markdown:
  toc_depth: 4
  toc_min_headings: 2
  raw_html: false
"""


def _load(tmp_path: Path, text: str | bytes | None):
    if text is not None:
        write_tree(tmp_path, {"site.yaml": text})
    return load_config(tmp_path)


def _formatted(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics]


def test_defaults_without_site_yaml(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, None)
    assert diagnostics == ()
    assert config == SiteConfig()
    assert config.title == "Help Center"
    assert config.tagline == ""
    assert config.base_url == ""
    assert config.language == "en"
    assert config.logo is None
    assert config.contact == Contact(None, None)
    assert config.notice is None
    assert config.footer_links == ()
    assert config.theme == "default"
    assert config.extra_keys == ()
    assert config.markdown == MarkdownOptions(toc_depth=3, toc_min_headings=3, raw_html=True)
    assert config.url_prefix == "/"


def test_empty_site_yaml_gives_defaults(tmp_path: Path) -> None:
    assert _load(tmp_path, "# nothing yet\n") == (SiteConfig(), ())


def test_every_setting_is_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"media/logo.svg": "<svg/>", "media/icon.png": b"\x89PNG"})
    config, diagnostics = _load(tmp_path, FULL)
    assert diagnostics == ()
    assert config == SiteConfig(
        title="Acme Help",
        tagline="We help",
        base_url="https://help.acme.test/docs/",
        language="fr",
        logo="media/logo.svg",
        favicon="media/icon.png",
        contact=Contact(email="help@acme.test", url="https://acme.test/contact"),
        notice=Notice(text="Maintenance on Sunday", level="critical",
                      start=dt.date(2020, 3, 1), end=dt.date(2020, 3, 5)),
        footer_links=(Link("Status", "https://status.acme.test"), Link("Blog", "/blog")),
        theme="../brand",
        extra_keys=("ms.*", "author"),
        markdown=MarkdownOptions(toc_depth=4, toc_min_headings=2, raw_html=False),
    )
    assert config.url_prefix == "/docs/"


def test_toc_min_headings_zero_is_kept(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "markdown:\n  toc_min_headings: 0\n")
    assert diagnostics == ()
    assert config.markdown.toc_min_headings == 0


def test_notice_as_a_plain_string(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "notice: We are moving to a new office\n")
    assert config.notice == Notice(text="We are moving to a new office")
    assert _formatted(diagnostics) == []


def test_notice_as_a_plain_string_gives_an_info_notice(tmp_path: Path) -> None:
    config, _ = _load(tmp_path, "notice: We are moving to a new office\n")
    assert config.notice == Notice(text="We are moving to a new office", level="info", start=None, end=None)


def test_notice_without_text_is_an_error(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "notice:\n  level: warning\n")
    assert config.notice is None
    assert _formatted(diagnostics) == ["site.yaml:1:1: missing required field 'notice.text'"]


def test_notice_level_and_dates_are_checked(tmp_path: Path) -> None:
    config, diagnostics = _load(
        tmp_path, "notice:\n  text: Hi\n  level: loud\n  start: 2020-03-05\n  end: 2020-03-01\n"
    )
    assert config.notice == Notice("Hi", "info", dt.date(2020, 3, 5), dt.date(2020, 3, 1))
    assert _formatted(diagnostics) == [
        "site.yaml:3:10: notice level must be one of info, warning, critical, not 'loud'",
        "site.yaml:5:8: notice ends before it starts",
    ]


def test_unknown_setting_warns_with_a_suggestion(tmp_path: Path) -> None:
    config, diagnostics = _load(
        tmp_path,
        "title: Acme\ntagine: Answers\ncolour: red\ncontact:\n  emial: a@b.c\nmarkdown:\n  tocdepth: 2\n",
    )
    assert config.tagline == ""
    assert _formatted(diagnostics) == [
        "site.yaml:2:1: warning: unknown setting 'tagine' (did you mean 'tagline'?)",
        "site.yaml:3:1: warning: unknown setting 'colour'",
        "site.yaml:5:3: warning: unknown setting 'emial' (did you mean 'email'?)",
        "site.yaml:7:3: warning: unknown setting 'tocdepth' (did you mean 'toc_depth'?)",
    ]
    assert {d.kind for d in diagnostics} == {"unknown setting"}
    assert not any(d.is_error for d in diagnostics)


def test_duplicate_setting_is_an_error(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "title: One\ntitle: Two\n")
    assert config.title == "Two"
    assert _formatted(diagnostics) == ["site.yaml:2:1: duplicate key 'title'"]


def test_bad_base_url(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "base_url: help.acme.test\n")
    assert config.base_url == ""
    assert _formatted(diagnostics) == [
        "site.yaml:1:11: base_url must start with http://, https:// or /, not 'help.acme.test'"
    ]


def test_wrong_types(tmp_path: Path) -> None:
    _, diagnostics = _load(tmp_path, "title: [a]\nmarkdown:\n  raw_html: sometimes\n  toc_depth: deep\n")
    assert _formatted(diagnostics) == [
        "site.yaml:1:8: 'title' must be a string, not a list",
        "site.yaml:4:14: 'markdown.toc_depth' must be a whole number, not 'deep'",
        "site.yaml:3:13: 'markdown.raw_html' must be true or false, not 'sometimes'",
    ]


def test_footer_links_are_validated(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "footer_links:\n  - just a string\n  - title: Only title\n")
    assert config.footer_links == ()
    assert [d.message for d in diagnostics] == [
        "each footer link needs a title and a url",
        "missing required field 'footer_links.url'",
    ]
    assert diagnostics[0].format() == "site.yaml:2:5: each footer link needs a title and a url"
    assert all(d.is_error for d in diagnostics)


def test_footer_link_missing_url_points_at_the_item(tmp_path: Path) -> None:
    _, diagnostics = _load(tmp_path, "footer_links:\n  - just a string\n  - title: Only title\n")
    assert diagnostics[1].format() == "site.yaml:3:5: missing required field 'footer_links.url'"


def test_site_yaml_must_be_a_mapping(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "- a\n- b\n")
    assert config == SiteConfig()
    assert _formatted(diagnostics) == ["site.yaml:1:1: site.yaml must be a mapping of settings"]


def test_site_yaml_syntax_error(tmp_path: Path) -> None:
    _, diagnostics = _load(tmp_path, "title: Acme\n\tlogo: x\n")
    assert _formatted(diagnostics) == ["site.yaml:2:1: tab character in YAML; indent with spaces"]


def test_site_yaml_with_bom(tmp_path: Path) -> None:
    _, diagnostics = _load(tmp_path, b"\xef\xbb\xbftitle: Acme\n")
    assert _formatted(diagnostics) == [
        "site.yaml:1:1: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
    ]


def test_display_dot_shows_the_bare_file_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site.yaml": "tagine: x\n"})
    _, diagnostics = load_config(tmp_path)
    assert _formatted(diagnostics) == ["site.yaml:1:1: warning: unknown setting 'tagine' (did you mean 'tagline'?)"]


@pytest.mark.parametrize(
    ("base_url", "prefix"),
    [
        ("", "/"),
        ("https://x.org", "/"),
        ("https://x.org/", "/"),
        ("https://x.org/help", "/help/"),
        ("https://x.org/help/", "/help/"),
        ("https://x.org/a/b", "/a/b/"),
        ("/help", "/help/"),
        ("/", "/"),
    ],
)
def test_url_prefix(base_url: str, prefix: str) -> None:
    assert SiteConfig(base_url=base_url).url_prefix == prefix


def test_missing_logo_file_is_a_warning_at_its_value(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site.yaml": "title: Help\nlogo: media/logo.svg\n"})
    _, diagnostics = load_config(tmp_path)
    assert [d.format() for d in diagnostics] == [
        "site.yaml:2:7: warning: logo file not found: 'media/logo.svg'"
    ]
    write_tree(tmp_path, {"media/logo.svg": "<svg/>"})
    assert load_config(tmp_path)[1] == ()


def test_logo_as_a_full_url_is_not_looked_up(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site.yaml": "logo: https://cdn.acme.test/logo.png\n"})
    assert load_config(tmp_path)[1] == ()


# --- favicon: a file in the content folder (checked like the logo) or an http(s) URL ----------


@pytest.mark.parametrize("value", ["media/icon.png", "/media/icon.png", "./media//icon.png", "media\\\\icon.png"])
def test_favicon_in_the_content_folder(tmp_path: Path, value: str) -> None:
    write_tree(tmp_path, {"media/icon.png": b"\x89PNG", "site.yaml": f"favicon: '{value}'\n"})
    assert load_config(tmp_path) == (SiteConfig(favicon="media/icon.png"), ())


@pytest.mark.parametrize("value", ["https://cdn.acme.test/icon.png", "HTTP://cdn.acme.test/i.ico"])
def test_favicon_as_an_http_url_is_kept_and_not_looked_up(tmp_path: Path, value: str) -> None:
    assert _load(tmp_path, f"favicon: {value}\n") == (SiteConfig(favicon=value), ())


def test_missing_favicon_file_is_a_warning_at_its_value_and_the_theme_s_is_used(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "title: Help\nfavicon: media/icon.png\n")
    assert config.favicon is None
    assert _formatted(diagnostics) == [
        "site.yaml:2:10: warning: favicon file not found: 'media/icon.png'; the theme's is used"
    ]


EXAMPLE = "give a file in the content folder, such as media/favicon.png, or an https:// URL"


@pytest.mark.parametrize(("value", "message"), [
    ("../outside.png", "favicon '../outside.png' leads out of the content folder ('..'); " + EXAMPLE),
    ("media/../../outside.png", "favicon 'media/../../outside.png' leads out of the content folder ('..'); " + EXAMPLE),
    ("..\\\\outside.png", "favicon '..\\\\outside.png' leads out of the content folder ('..'); " + EXAMPLE),
    ("/etc/passwd", "favicon '/etc/passwd' is not in the content folder (a leading '/' means the content folder;"
                    " kb publishes only files inside it); " + EXAMPLE),
    ("javascript:alert(1)", "favicon must be a file in the content folder or an http(s) URL, not 'javascript:alert(1)'"),
    ("data:image/png;base64,AAAA", "favicon must be a file in the content folder or an http(s) URL, not 'data:image/png;base64,AAAA'"),
    ("C:\\\\icons\\\\x.ico", "favicon must be a file in the content folder or an http(s) URL, not 'C:\\\\icons\\\\x.ico'"),
    ("//cdn.acme.test/x.ico", "favicon must be a file in the content folder or an http(s) URL, not '//cdn.acme.test/x.ico'"),
    ("/", "favicon '/' names no file; " + EXAMPLE),
])
def test_favicon_outside_the_content_folder_is_an_error_at_its_value(tmp_path: Path, value: str, message: str) -> None:
    write_tree(tmp_path, {"content/site.yaml": f"title: Help\nfavicon: '{value}'\n", "outside.png": b"\x89PNG"})
    config, diagnostics = load_config(tmp_path / "content")
    assert config.favicon is None
    assert _formatted(diagnostics) == [f"site.yaml:2:10: {message}"]


def test_favicon_through_a_link_out_of_the_content_folder_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"content/site.yaml": "favicon: media/icon.png\n", "secret.png": b"\x89PNG"})
    (tmp_path / "content" / "media").mkdir()
    (tmp_path / "content" / "media" / "icon.png").symlink_to(tmp_path / "secret.png")
    config, diagnostics = load_config(tmp_path / "content")
    assert config.favicon is None
    assert _formatted(diagnostics) == [
        "site.yaml:1:10: favicon 'media/icon.png' is a link that leads out of the content folder; " + EXAMPLE
    ]


@pytest.mark.parametrize("value", ["_drafts/icon.png", "media/.icon.png", "templates/icon.png", "site.yaml", "a/notes.md"])
def test_favicon_that_kb_does_not_publish_is_a_warning(tmp_path: Path, value: str) -> None:
    write_tree(tmp_path, {value: "x", "site.yaml": f"favicon: {value}\n"} if value != "site.yaml"
               else {"site.yaml": f"favicon: {value}\n"})
    config, diagnostics = load_config(tmp_path)
    assert config.favicon is None
    assert [(d.level, d.line, d.col) for d in diagnostics] == [("warning", 1, 10)]
    assert diagnostics[0].message.startswith(f"favicon '{value}' is not published")


def test_favicon_message_escapes_control_characters_and_is_short(tmp_path: Path) -> None:
    _, diagnostics = _load(tmp_path, 'favicon: "\\e[31m../x\\nfake.md:1:1: error: injected' + "a" * 80 + '"\n')
    (message,) = _formatted(diagnostics)
    assert "\x1b" not in message and "\n" not in message
    assert message.startswith(
        "site.yaml:1:10: warning: favicon file not found: '\\x1b[31m../x\\x0afake.md:1:1: error: injected")
    assert "aaa...'; the theme's is used" in message and len(message) <= 140


@pytest.mark.parametrize("value", ["'\\0'", "'a\\0b.png'", "'\\udc80.png'", "x" * 5000, "[1]", "{a: 1}"])
def test_odd_favicon_values_give_a_message_not_a_traceback(tmp_path: Path, value: str) -> None:
    config, diagnostics = _load(tmp_path, f'favicon: "{value}"\n' if value.startswith("'") else f"favicon: {value}\n")
    assert config.favicon is None
    assert len(diagnostics) == 1 and diagnostics[0].line == 1


# --- the untrusted mode's switch --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "untrusted"), [
    ("", False),
    ("untrusted: true\n", True),
    ("untrusted: false\n", False),
    ("markdown: {raw_html: false}\n", True),  # the older spelling of the same switch
    ("untrusted: false\nmarkdown: {raw_html: false}\n", True),  # either spelling turns it on
    ("markdown: {raw_html: true}\n", False),
])
def test_the_untrusted_switch_and_its_older_spelling(tmp_path: Path, text: str, untrusted: bool) -> None:
    config, diagnostics = _load(tmp_path, text or "title: Help\n")
    assert diagnostics == ()
    assert config.untrusted is untrusted
    assert config.markdown.raw_html is not untrusted  # one switch: the Markdown stage reads the same bit


def test_untrusted_with_raw_html_true_warns_that_raw_html_is_escaped(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "untrusted: true\nmarkdown:\n  raw_html: true\n")
    assert (config.untrusted, config.markdown.raw_html) == (True, False)
    assert _formatted(diagnostics) == [
        "site.yaml:3:3: warning: markdown.raw_html: true has no effect with untrusted: true; raw HTML is escaped",
    ]


def test_untrusted_must_be_true_or_false(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, "untrusted: sometimes\n")
    assert config.untrusted is False
    assert _formatted(diagnostics) == ["site.yaml:1:12: 'untrusted' must be true or false, not 'sometimes'"]


def test_the_switch_set_in_code_keeps_both_fields_in_step() -> None:
    import dataclasses

    assert dataclasses.replace(SiteConfig(), untrusted=True).markdown.raw_html is False
    assert SiteConfig(markdown=MarkdownOptions(raw_html=False)).untrusted is True


# --- links in site.yaml: http(s), mailto where it makes sense, or relative; in every mode ------------

LOGO = "logo must be a file inside the content folder or an http(s) URL"
WEB_ONLY = "must start with http:// or https://, or be a relative path"
WITH_MAIL = "must start with http://, https://, mailto: or tel:, or be a relative path"


@pytest.mark.parametrize(("yaml_text", "message"), [
    ('edit_url: "javascript:alert(1)//{path}"\n',
     f"site.yaml:1:11: edit_url {WEB_ONLY}, not 'javascript:alert(1)//{{path}}'"),
    ("footer_links:\n  - {title: Privacy, url: 'javascript:alert(document.domain)'}\n",
     f"site.yaml:2:27: footer_links.url {WITH_MAIL}, not 'javascript:alert(document.domain)'"),
    ("contact:\n  url: 'JaVaScRiPt:alert(1)'\n",
     f"site.yaml:2:8: contact.url {WITH_MAIL}, not 'JaVaScRiPt:alert(1)'"),
    ("contact:\n  url: ' javascript:alert(1)'\n",
     f"site.yaml:2:8: contact.url {WITH_MAIL}, not 'javascript:alert(1)'"),
    ('contact:\n  form: "java\\tscript:alert(1)"\n',
     f"site.yaml:2:9: contact.form {WEB_ONLY}, not 'java\\tscript:alert(1)'"),
    ('contact:\n  form: "java\\nscript:alert(1)"\n',
     f"site.yaml:2:9: contact.form {WEB_ONLY}, not 'java\\nscript:alert(1)'"),
    ('contact:\n  form: "\\x01javascript:alert(1)"\n',
     f"site.yaml:2:9: contact.form {WEB_ONLY}, not '\\x01javascript:alert(1)'"),
    ("contact:\n  url: '&#106;avascript:alert(38)'\n",
     f"site.yaml:2:8: contact.url {WITH_MAIL}, not '&#106;avascript:alert(38)'"),
    ("contact:\n  url: '&#x6A;avascript&colon;alert(40)'\n",
     f"site.yaml:2:8: contact.url {WITH_MAIL}, not '&#x6A;avascript&colon;alert(40)'"),
    ("contact:\n  form: mailto:help@acme.test\n",
     f"site.yaml:2:9: contact.form {WEB_ONLY}, not 'mailto:help@acme.test'; put a mail address in contact.email"),
    ("logo: 'javascript:alert(1)'\n", f"site.yaml:1:7: {LOGO}, not 'javascript:alert(1)'"),
    ("logo: 'data:image/svg+xml,<svg onload=alert(1)>'\n",
     f"site.yaml:1:7: {LOGO}, not 'data:image/svg+xml,<svg onload=alert(1)>'"),
    ("logo: '&#106;avascript:alert(1)'\n", f"site.yaml:1:7: {LOGO}, not '&#106;avascript:alert(1)'"),
    ("footer_links:\n  - {title: Call, url: 'vbscript:msgbox(1)'}\n",
     f"site.yaml:2:24: footer_links.url {WITH_MAIL}, not 'vbscript:msgbox(1)'"),
    ("base_url: 'JaVaScRiPt:alert(1)'\n",
     "site.yaml:1:11: base_url must start with http://, https:// or /, not 'JaVaScRiPt:alert(1)'"),
    ("base_url: ' javascript:alert(1)'\n",
     "site.yaml:1:11: base_url must start with http://, https:// or /, not 'javascript:alert(1)'"),
])
def test_a_script_url_in_site_yaml_is_an_error_at_its_position(tmp_path: Path, yaml_text: str, message: str) -> None:
    config, diagnostics = _load(tmp_path, yaml_text)
    assert _formatted(diagnostics) == [message]
    assert "script" not in repr(config).lower()  # the link is not used


def test_http_mailto_and_relative_links_are_accepted(tmp_path: Path) -> None:
    write_tree(tmp_path, {"media/logo.png": b"png"})
    config, diagnostics = _load(tmp_path, (
        "logo: media/logo.png\nedit_url: https://github.com/acme/help/edit/main/content/{path}\n"
        "contact: {url: 'mailto:help@acme.test', form: 'HTTPS://forms.acme.test/f/1'}\n"
        "footer_links:\n  - {title: Mail, url: 'mailto:x@acme.test'}\n  - {title: Blog, url: /blog}\n"
        "  - {title: CDN, url: '//cdn.acme.test/x'}\n  - {title: Here, url: 'terms.html#a:b'}\n"
    ))
    assert diagnostics == ()
    assert config.contact == Contact(url="mailto:help@acme.test", form="HTTPS://forms.acme.test/f/1")
    assert [link.url for link in config.footer_links] == ["mailto:x@acme.test", "/blog", "//cdn.acme.test/x", "terms.html#a:b"]


@pytest.mark.parametrize(("text", "expected"), [
    ("title: '   '\n", "site.yaml:1:8: title is blank"),
    ("theme: ''\n", "site.yaml:1:8: theme is blank"),
    ("contact: some-string\n", "site.yaml:1:10: contact must be a mapping with email, url, form"),
    ("markdown: [1]\n", "site.yaml:1:11: markdown must be a mapping with toc_depth, toc_min_headings, raw_html"),
    ("markdown: {toc_depth: 0}\n", "site.yaml:1:23: markdown.toc_depth must be a heading level from 1 to 6, not 0"),
    ("markdown: {toc_min_headings: -1}\n", "site.yaml:1:30: markdown.toc_min_headings must be 0 or more, not -1"),
    ("logo: ../../../x\n", "site.yaml:1:7: logo must be a file inside the content folder or an http(s) URL, "
                           "not '../../../x'"),
    ("logo: media/../../x.png\n", "site.yaml:1:7: logo must be a file inside the content folder or an "
                                  "http(s) URL, not 'media/../../x.png'"),
    ("logo: javascript:alert(1)\n", "site.yaml:1:7: logo must be a file inside the content folder or an "
                                    "http(s) URL, not 'javascript:alert(1)'"),
    ("logo: _drafts/logo.svg\n", "site.yaml:1:7: logo must be a file inside the content folder or an "
                                 "http(s) URL, not '_drafts/logo.svg' (names starting with '_' or '.' are not published)"),
    ("footer_links: [{title: '  ', url: /x}]\n", "site.yaml:1:16: missing required field 'footer_links.title'"),
])
def test_settings_of_the_wrong_shape_or_blank_are_errors(tmp_path: Path, text: str, expected: str) -> None:
    _, diagnostics = _load(tmp_path, text)
    assert _formatted(diagnostics) == [expected]


def test_a_logo_link_leading_outside_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "outside.svg").write_text("<svg/>")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "logo.svg").symlink_to(tmp_path / "outside.svg")
    write_tree(tmp_path / "content", {"site.yaml": "logo: logo.svg\n"})
    _, diagnostics = load_config(tmp_path / "content")
    assert _formatted(diagnostics) == [
        "site.yaml:1:7: logo 'logo.svg' is a symbolic link that leads outside the content folder"]


def test_a_good_logo_passes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"media/logo.svg": "<svg/>"})
    for logo in ("media/logo.svg", "/media/logo.svg", "https://cdn.test/l.png", "//cdn.test/l.png"):
        config, diagnostics = _load(tmp_path, f"logo: {logo}\n")
        assert diagnostics == () and config.logo == logo
