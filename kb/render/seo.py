"""What search engines and link previews read: JSON-LD for articles, breadcrumbs and FAQs."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from ..content.excerpt import plain_text

_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>(.*?)(?=<h2\b|\Z)", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)


def json_ld(data: dict) -> str:
    """`data` as JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_data(title: str, description: str, url: str, language: str, site: str,
                 date: dt.date | None, updated: dt.date | None) -> dict:
    """schema.org Article."""
    data: dict = {"@context": "https://schema.org", "@type": "Article", "headline": title[:110],
                  "description": description, "inLanguage": language, "url": url,
                  "mainEntityOfPage": url, "publisher": {"@type": "Organization", "name": site}}
    if date:
        data["datePublished"] = date.isoformat()
    if updated or date:
        data["dateModified"] = (updated or date).isoformat()  # type: ignore[union-attr]
    return data


def breadcrumb_data(trail: list[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList from (name, absolute URL) pairs."""
    return {
        "@context": "https://schema.org", "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def faq_data(body_html: str) -> dict | None:
    """schema.org FAQPage: each `##` heading a question, the text up to the next one its answer."""
    questions = []
    for heading, answer in _H2.findall(body_html):
        name = html.unescape(_TAGS.sub("", _PERMALINK.sub("", heading))).strip()
        text = plain_text(answer)
        if name and text:
            questions.append({"@type": "Question", "name": name,
                              "acceptedAnswer": {"@type": "Answer", "text": text}})
    if not questions:
        return None
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions}
