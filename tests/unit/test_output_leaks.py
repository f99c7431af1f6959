"""kb.output.leaks: the canaries of what a public build withholds, and where they turn up in its output."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content.audience import Block, Withheld
from kb.model import Article, Category
from kb.output import leaks
from kb.output.leaks import Canary, collect_canaries, find_leaks

MARKER = "Agents: refunds above $5,000 need a **team lead's** approval, quote code ZEBRA-QUOKKA-7781 always."
PUBLIC = "Refunds are paid back to the card you used within ten working days of the request."


def _article(body: str = MARKER, **fields) -> Article:
    values = dict(source="Agent Playbook/escalation.md", title="Escalation matrix", slug="escalation-matrix",
                  url="/agent-playbook/escalation-matrix/", category="Agent Playbook", section=None,
                  body=body, body_line=4, id="escalation-matrix", aliases=("/hc/en-us/articles/360012",))
    values.update(fields)
    return Article(**values)


def _site(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[Path, list[str]]:
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return tmp_path, list(files)


def _leaks(tmp_path: Path, files: dict[str, str | bytes], withheld: Withheld, public: tuple[str, ...] = (PUBLIC,)) -> list[str]:
    staging, paths = _site(tmp_path, files)
    return [d.format() for d in find_leaks(staging, paths, collect_canaries(withheld, public))]


def test_internal_text_is_found_across_emphasis_tags_and_entities(tmp_path: Path) -> None:
    page = ("<html><body>\n<h1>Refunds</h1>\n<p>Agents: refunds above $5,000 need a <strong>team lead&#x27;s"
            "</strong> approval, quote</p>\n</body></html>")
    found = _leaks(tmp_path, {"billing/refunds/index.html": page}, Withheld(articles=(_article(),)))
    assert found == [
        "site/billing/refunds/index.html:3:4: internal text 'Agents: refunds above $5,000 need a team' of "
        "'Agent Playbook/escalation.md' is in the public site",
        "site/billing/refunds/index.html:3:29: internal text '000 need a team lead's approval, quote' of "
        "'Agent Playbook/escalation.md' is in the public site"]


def test_internal_text_is_found_in_a_gzipped_pagefind_fragment(tmp_path: Path) -> None:
    fragment = json.dumps({"url": "/billing/refunds/", "content": "Refunds. team lead's approval, quote code "
                           "ZEBRA-QUOKKA-7781 always."}, ensure_ascii=False)
    data = gzip.compress(b"pagefind_dcd" + fragment.encode("utf-8"))
    found = _leaks(tmp_path, {"pagefind/fragment/en_1a2b3c4.pf_fragment": data}, Withheld(articles=(_article(),)))
    assert found == [
        "site/pagefind/fragment/en_1a2b3c4.pf_fragment:1:68: internal text 'lead's approval, quote code ZEBRA-QUOKKA-7781' "
        "of 'Agent Playbook/escalation.md' is in the public site",
        "site/pagefind/fragment/en_1a2b3c4.pf_fragment:1:73: internal text 's approval, quote code ZEBRA-QUOKKA-7781 always' "
        "of 'Agent Playbook/escalation.md' is in the public site"]


def test_internal_text_and_urls_are_found_in_json_with_escapes(tmp_path: Path) -> None:
    article = _article(body="Le remboursement au-delà de 5 000 € exige l’accord du responsable d’équipe.")
    manifest = json.dumps({"articles": [{"url": "/agent-playbook/escalation-matrix/", "text":
                          "remboursement au-delà de 5 000 € exige l’accord du responsable d’équipe"}]}, ensure_ascii=True).replace("/", "\\/")
    assert "\\u00e0" in manifest and "\\/agent-playbook" in manifest
    found = _leaks(tmp_path, {"kb-manifest.json": manifest}, Withheld(articles=(article,)))
    assert [line.split(" of '")[0] for line in found] == [
        "site/kb-manifest.json:1:24: internal URL '/agent-playbook/escalation-matrix/'",
        "site/kb-manifest.json:1:42: internal id 'escalation-matrix'",
        "site/kb-manifest.json:1:100: internal text 'de 5 000 € exige l’accord du responsable'",
        "site/kb-manifest.json:1:105: internal text '000 € exige l’accord du responsable d’équipe'",
    ]


def test_a_title_with_an_ampersand_is_found_escaped(tmp_path: Path) -> None:
    article = _article(title="Refunds & chargebacks for agents", body="")
    files = {"tags/x/index.html": "<a>Refunds &amp; chargebacks for agents</a>",
             "feed.json": json.dumps({"title": "Refunds & chargebacks for agents"}).replace("&", "\\u0026")}
    found = _leaks(tmp_path, files, Withheld(articles=(article,)))
    assert [line.split(": ")[0] for line in found] == ["site/feed.json:1:12", "site/tags/x/index.html:1:4"]
    assert all("internal title 'Refunds & chargebacks for agents'" in line for line in found)


def test_a_withheld_media_file_is_found_as_an_output_path_and_in_a_page(tmp_path: Path) -> None:
    withheld = Withheld(media=("Agent Playbook/media/refund-flow.png",))
    files = {"agent-playbook/media/refund-flow.png": b"\x89PNG\r\n\x1a\n\x00\x00",
             "billing/index.html": '<img src="/agent-playbook/media/refund-flow.png" alt="">',
             "billing/media/my-refund-flow.png": b"\x89PNG\x00", "billing/media/refund-flow.png.txt": "x"}
    found = _leaks(tmp_path, files, withheld)
    message = "internal file 'refund-flow.png' of 'Agent Playbook/media/refund-flow.png' is in the public site"
    assert found == [f"site/agent-playbook/media/refund-flow.png:1:1: {message}",
                     f"site/billing/index.html:1:33: {message}",
                     f"site/billing/media/refund-flow.png.txt:1:1: {message}"]


def test_a_binary_file_is_checked_for_urls_and_names_only(tmp_path: Path) -> None:
    words = b"Agents: refunds above $5,000 need a team lead's approval, quote code"
    files = {"a.png": b"\x89PNG\x00" + words, "b.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n/URI (/agent-playbook/escalation-matrix/)"}
    found = _leaks(tmp_path, files, Withheld(articles=(_article(),)))
    assert found == [  # the id is a part of the URL: bounded by `/`, found too
        "site/b.pdf:1:1: internal URL '/agent-playbook/escalation-matrix/' of 'Agent Playbook/escalation.md' is in the public site",
        "site/b.pdf:1:1: internal id 'escalation-matrix' of 'Agent Playbook/escalation.md' is in the public site"]


def test_a_sentence_the_public_site_shares_is_not_a_canary(tmp_path: Path) -> None:
    article = _article(body=f"{PUBLIC}\n\n{MARKER}", title="Contact us")
    linked, rest = PUBLIC.split(" within", 1)  # written as a link in the public article: its target is no word
    canaries = collect_canaries(Withheld(articles=(article,)), (f"[{linked}](/x/) within{rest}", "Contact us"))
    texts = [c.shown for c in canaries if c.kind == "text"]
    assert texts[0] == "days of the request. Agents: refunds above $5"  # the first run not wholly public
    assert not any(shown in PUBLIC for shown in texts)
    assert "title" not in {c.kind for c in canaries}
    page = f"<h1>Contact us</h1><p>{PUBLIC}</p>"
    assert _leaks(tmp_path, {"index.html": page}, Withheld(articles=(article,)), (PUBLIC, "Contact us")) == []


def test_short_and_generic_things_are_not_canaries() -> None:
    article = _article(body="Ask a lead.", title="Macros", url="/ops/", id="a1", aliases=("/x/",))
    withheld = Withheld(articles=(article,), blocks=(Block("Billing/refund.md", 3, "[!INTERNAL]\nCall the bank first."),),
                        media=("Agent Playbook/a.png",))
    assert [(c.kind, c.shown) for c in collect_canaries(withheld, ())] == [("text", "Call the bank first")]


def test_a_short_internal_block_is_found_whole_and_the_marker_is_not_needed(tmp_path: Path) -> None:
    block = Block("Billing/refund.md", 7, "[!INTERNAL]\nEscalate to **Tier 2** first.")
    page = '<div class="admonition internal"><p class="admonition-title">Internal</p><p>Escalate to Tier 2 first.</p></div>'
    found = _leaks(tmp_path, {"billing/refund/index.html": page, "other.html": "Escalate to Tier 3 first."},
                   Withheld(blocks=(block,)))
    assert found == ["site/billing/refund/index.html:1:77: internal text 'Escalate to Tier 2 first' of "
                     "'Billing/refund.md' is in the public site"]


def test_urls_aliases_and_ids_match_whole_not_inside_longer_ones(tmp_path: Path) -> None:
    files = {"a.html": '<a href="/hc/en-us/articles/3600123">x</a> /agent-playbook/escalation-matrixold/ '
                       "deescalation-matrix escalation-matrix2 escalation-matrix_2 escalation-matrix-2",
             "b.html": '<a href="/help/hc/en-us/articles/360012/">x</a>',
             "_redirects": "/hc/en-us/articles/360012 /agent-playbook/escalation-matrix/ 301\n"}
    found = _leaks(tmp_path, files, Withheld(articles=(_article(body="", title="Who to call"),)))
    assert [line.split(": internal ")[0] + " " + line.split("'")[1] for line in found] == [
        "site/_redirects:1:1 /hc/en-us/articles/360012",
        "site/_redirects:1:27 /agent-playbook/escalation-matrix/",
        "site/_redirects:1:43 escalation-matrix",
        "site/b.html:1:15 /hc/en-us/articles/360012",
    ]


def test_a_clean_site_has_no_leaks(tmp_path: Path) -> None:
    files = {"index.html": f"<p>{PUBLIC}</p><a href='/billing/refunds/'>Refunds</a>",
             "sitemap.xml": "<urlset><url><loc>https://help.example.com/billing/refunds/</loc></url></urlset>",
             "pagefind/x.pf_fragment": gzip.compress(b"pagefind_dcd" + json.dumps({"content": PUBLIC}).encode())}
    withheld = Withheld(articles=(_article(),), categories=(Category("Agent Playbook", "agent-playbook",
                        "Agent Playbook", "/agent-playbook/"),), media=("Agent Playbook/media/flow-chart.png",))
    assert _leaks(tmp_path, files, withheld) == []


def test_errors_are_sorted_and_the_same_whatever_the_order_of_paths(tmp_path: Path) -> None:
    page = "<p>team lead's approval, quote code ZEBRA-QUOKKA-7781 always.</p> Escalation matrix"
    staging, paths = _site(tmp_path, {f"p{n}/index.html": page for n in (3, 1, 2)})
    canaries = collect_canaries(Withheld(articles=(_article(),)), ())
    first = find_leaks(staging, paths, canaries, shown="out")
    second = find_leaks(staging, list(reversed(paths)) + paths[:1], tuple(reversed(canaries)), shown="out")
    assert first == second == sorted(first)
    assert [d.path for d in first] == ["out/p1/index.html"] * 3 + ["out/p2/index.html"] * 3 + ["out/p3/index.html"] * 3
    assert [d.message.split(" '", 1)[1].split("' of '")[0] for d in first[:3]] == [
        "lead's approval, quote code ZEBRA-QUOKKA-7781", "s approval, quote code ZEBRA-QUOKKA-7781 always",
        "Escalation matrix"]
    assert all(not d.in_content and d.kind == leaks.KIND and d.is_error for d in first)


def test_a_gzip_bomb_is_read_no_further_than_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(leaks, "MAX_BYTES", 1 << 20)
    bomb = gzip.compress(b"pagefind_dcd ZEBRA-QUOKKA-7781 " + bytes(200 << 20), compresslevel=9)
    assert len(bomb) < 1 << 20
    canaries = (Canary("id", "ZEBRA-QUOKKA-7781", "a.md", raw="ZEBRA-QUOKKA-7781"),)
    staging, paths = _site(tmp_path, {"pagefind/bomb.pf_index": bomb})
    tracemalloc.start()
    found = find_leaks(staging, paths, canaries)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.path for d in found] == ["site/pagefind/bomb.pf_index"]
    assert peak < 16 << 20


def test_a_file_that_is_not_gzip_after_its_magic_bytes_is_read_as_it_is(tmp_path: Path) -> None:
    found = _leaks(tmp_path, {"x.bin": b"\x1f\x8b not gzip /agent-playbook/escalation-matrix/"},
                   Withheld(articles=(_article(),)))
    assert [line.split(": internal ")[1][:15] for line in found] == ["URL '/agent-pla", "id 'escalation-"]
    assert {line.split(": ")[0] for line in found} == {"site/x.bin:1:1"}  # not UTF-8: binary


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
_FILLER = st.lists(st.sampled_from(["<p>", "</p>", "<em>", "</em>", "\n", " ", "&nbsp;", "<br/>", "<a href='/x'>"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(internal=st.lists(_WORDS, min_size=12, max_size=60), data=st.data())
def test_any_eleven_words_of_internal_text_planted_in_html_are_found(tmp_path: Path, internal: list[str], data) -> None:
    start = data.draw(st.integers(0, len(internal) - 11))
    planted = internal[start:start + 11]
    html = "".join(f"{word}{data.draw(_FILLER.map(''.join))} " if word else "" for word in planted)
    before, after = data.draw(st.text(max_size=200)), data.draw(st.text(max_size=200))
    (tmp_path / "index.html").write_text(f"{before}<div>{html}</div>{after}", encoding="utf-8", errors="surrogatepass")
    canaries = collect_canaries(Withheld(blocks=(Block("a.md", 1, " ".join(internal)),)), ())
    assert find_leaks(tmp_path, ["index.html"], canaries)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(internal=st.lists(_WORDS, min_size=8, max_size=60), other=st.lists(st.sampled_from(["zz1", "qq2", "42"]), min_size=1),
       data=st.data())
def test_text_that_shares_no_run_of_eight_words_is_never_flagged(tmp_path: Path, internal: list[str], other: list[str], data) -> None:
    # every 7th word of the page is one the internal text does not have: no 8 words in a row are shared
    mixed = [word for at in range(0, len(internal), 7) for word in [*internal[at:at + 7], other[at % len(other)]]]
    (tmp_path / "index.html").write_text(f"<p>{' '.join(mixed)}</p>", encoding="utf-8")
    canaries = collect_canaries(Withheld(blocks=(Block("a.md", 1, " ".join(internal)),)), ())
    assert canaries and find_leaks(tmp_path, ["index.html"], canaries) == []


def test_a_url_with_accents_is_found_percent_encoded_and_cjk_text_word_by_character(tmp_path: Path) -> None:
    article = _article(url="/agent-playbook/remboursés/", id=None, aliases=(), title="返金の上限について",
                       body="返金は五千ドルを超える場合、チームリーダーの承認が必要です。")
    files = {"a.html": '<a href="/help/agent-playbook/rembours%C3%A9s/">x</a>',
             "b.html": "<p>チームリーダーの<em>承認</em>が必要</p>", "c.html": "<p>承認が必要です</p>"}
    found = _leaks(tmp_path, files, Withheld(articles=(article,)))
    assert [line.split(" of '")[0] for line in found] == [
        "site/a.html:1:15: internal URL '/agent-playbook/remboursés/'",
        "site/b.html:1:7: internal text 'リーダーの承認が'",  # a run of 8 characters; c.html has 7 in a row
    ]


def test_an_internal_summary_and_topic_description_are_looked_for(tmp_path: Path) -> None:
    article = _article(body="", summary="Who approves a refund above the limit of the plan.")
    topic = Category("Agent Playbook", "agent-playbook", "Agent Playbook", "/agent-playbook/",
                     description="Escalation paths, macros and refund limits for the support team.")
    page = ('<meta name="description" content="Who approves a refund above the limit of the plan.">\n'
            '<p title="x">Escalation paths, macros and refund limits for the support team.</p>')
    found = _leaks(tmp_path, {"index.html": page}, Withheld(articles=(article,), categories=(topic,)))
    assert [line.split(" is in")[0] for line in found] == [  # line 1: in an attribute
        "site/index.html:1:35: internal text 'Who approves a refund above the limit of' of 'Agent Playbook/escalation.md'",
        "site/index.html:1:39: internal text 'a refund above the limit of the plan' of 'Agent Playbook/escalation.md'",
        "site/index.html:2:14: internal text 'Escalation paths, macros and refund limits for the' of 'Agent Playbook/'",
        "site/index.html:2:32: internal text 'macros and refund limits for the support team' of 'Agent Playbook/'",
    ]


def test_a_line_of_many_unclosed_brackets_costs_no_more_than_its_length() -> None:
    import time

    from kb.output.leaktext import markdown_text, page_text, raw_text
    for text in ("](" * 200_000, "![" * 200_000, "{#" * 200_000, '="' * 200_000, "<a" * 200_000):
        started = time.process_time()
        markdown_text(text), page_text(raw_text(text))
        assert time.process_time() - started < 3  # quadratic: minutes


def test_public_text_is_read_as_a_page_too(tmp_path: Path) -> None:
    # a sentence the public build shows, given as JSON (a catalog) whose escapes only a page's reading decodes
    shared = "Escalate to the duty manager on call tonight, then log it."
    article = _article(body=shared, title="Who to call")
    public = json.dumps({"msg": shared}, ensure_ascii=True).replace(" ", "\\u0020")
    canaries = collect_canaries(Withheld(articles=(article,)), (public,))
    assert "text" not in {c.kind for c in canaries}
    assert _leaks(tmp_path, {"index.html": f"<p>{shared}</p>"}, Withheld(articles=(article,)), (public,)) == []


def test_a_title_is_found_as_the_whole_text_of_an_element_not_across_elements_or_in_a_sentence(tmp_path: Path) -> None:
    """Found on real content: a short internal title read across a list's excerpt and the next
    item, and a long one that a public article's heading and first sentence spell out."""
    short = _article("Body text of the internal article here.", title="Distribution group issues")
    long = _article("Other body text of the second internal article.", source="Agent Playbook/activation.md",
                    title="Your organization has disabled this device when trying to activate Apps",
                    url="/agent-playbook/activation-error/", id=None, aliases=())
    listing = ('<li><p class="excerpt">Encrypted mail is not supported for a dynamic distribution group.</p></li>\n'
               '<li><h2><a href="/x/">Issues with mail flow</a></h2></li>')
    fragment = ('pagefind_dcd{"url":"/office/activation/","content":"Activation error Your organization has disabled '
                'this device. When trying to activate apps, you see it.","meta":{"title":"Activation error"}}')
    files = {"list/index.html": listing, "pagefind/fragment/en_1.pf_fragment": gzip.compress(fragment.encode())}
    assert _leaks(tmp_path, files, Withheld(articles=(short, long))) == []
    leaked = {"feed.xml": "<entry><title>Distribution group issues</title></entry>",
              "x/index.html": '<a href="/y/">Your organization has disabled this device when trying to activate <em>Apps</em></a>',
              "pagefind/fragment/en_2.pf_fragment": gzip.compress(b'pagefind_dcd{"meta":{"title":"Distribution group issues"}}')}
    found = _leaks(tmp_path / "leaked", leaked, Withheld(articles=(short, long)))
    assert [line.partition(": internal")[0] for line in found] == [
        "site/feed.xml:1:15", "site/pagefind/fragment/en_2.pf_fragment:1:31", "site/x/index.html:1:15"]


def test_the_check_on_every_core_finds_what_it_finds_in_one_process(tmp_path: Path) -> None:
    from kb.speed.runner import Speed

    on_two = Speed(2, None)  # no cache folder: every job runs, on two processes
    article = _article(body=f"{MARKER}\n\n{PUBLIC}")
    block = Block("Billing/refunds.md", 3, "Agents: a refund over ten thousand needs the director's sign-off.")
    withheld = Withheld(articles=(article,), blocks=(block,))
    public = (PUBLIC, "Refunds: how long they take", "A refund over ten thousand needs the director", "")
    files = {"a/index.html": f"<p>{MARKER}</p>", "b/index.html": f"<p>{block.text}</p>",
             "c/index.html": f"<p>{PUBLIC}</p>", "d/index.html": '<a href="/agent-playbook/escalation-matrix/">x</a>',
             "agent-playbook/escalation-matrix/index.html": "x"}
    staging, paths = _site(tmp_path, files)
    canaries = collect_canaries(withheld, public)
    assert collect_canaries(withheld, public, on_two) == canaries
    found = find_leaks(staging, paths, canaries)
    assert find_leaks(staging, paths, canaries, "site", on_two) == found
    assert sorted({d.path for d in found}) == ["site/a/index.html", "site/agent-playbook/escalation-matrix/index.html",
                                               "site/b/index.html", "site/d/index.html"]
