"""The example published under a sub-path (/help/), crawled like a link checker: every internal link,
asset, redirect, feed and sitemap entry resolves, and none leaves /help/."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

from kbtest import REPO, run_kb_process, serve

BASE = "https://org.github.io/help/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "form"):
                self.found.append(attrs[name])
        if tag == "form" and attrs.get("action"):
            self.found.append(attrs["action"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.found.append((attrs.get("content") or "").split("url=", 1)[-1])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.found.append(candidate.split()[0])


def _links(url: str, body: bytes, kind: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    if "html" in kind:
        parser = _Links()
        parser.feed(text)
        return parser.found
    if "css" in kind:
        return re.findall(r"url\(['\"]?([^'\")]+)", text)
    if "xml" in kind or url.endswith((".atom", ".rss", ".xml")):
        return re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"|<link>([^<]+)</link>", text) and [
            a or b or c for a, b, c in re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"|<link>([^<]+)</link>", text)]
    if url.endswith("_redirects"):
        return [part for line in text.splitlines() for part in line.split()[:2]]
    return []


def test_every_internal_link_resolves_under_the_sub_path(tmp_path: Path) -> None:
    root = tmp_path / "root"
    done = run_kb_process(["build", "--content", str(REPO / "content"), "--out", str(root / "help"),
                           "--base-url", BASE, "--no-cache"], cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1764115200"})
    assert done.returncode == 0, done.stderr
    broken: list[str] = []
    outside: list[str] = []
    seen: set[str] = set()
    with serve(root) as origin:
        start = origin + "/help/"
        queue = deque([(start, "(start)")] + [(origin + "/help/" + p, "(root file)") for p in
                                               ("sitemap.xml", "feed.xml", "robots.txt", "_redirects", "status/history.atom",
                                                "status/history.rss")]
                      + [(origin + "/help/" + p.relative_to(root / "help").as_posix(), "(not found page)")
                         for p in sorted((root / "help").rglob("404.html"))])  # each language's
        while queue:
            url, source = queue.popleft()
            url = url.split("#", 1)[0]
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body, kind = response.read(), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                broken.append(f"{url} ({exc.code}) linked from {source}")
                continue
            for link in _links(url, body, kind):
                link = link.strip()
                if not link or link.startswith(("mailto:", "tel:", "data:", "javascript:")):
                    continue
                if link.startswith(BASE):
                    link = origin + "/help/" + link[len(BASE):]
                absolute = urllib.parse.urljoin(url, link)
                if not absolute.startswith(origin):
                    continue  # another site
                if not absolute.startswith(origin + "/help/"):
                    outside.append(f"{link} in {url}")
                    continue
                queue.append((absolute, url))
    manifest = __import__("json").loads((root / "help" / "kb-manifest.json").read_text())
    pages = {origin + "/help" + urllib.parse.quote(u) for u in manifest["urls"] if u.endswith(("/", ".html"))}
    unreached = sorted(pages - seen)
    assert unreached == [], "published pages no link leads to:\n" + "\n".join(unreached[:20])
    assert outside == [], "links that leave /help/:\n" + "\n".join(outside[:20])
    assert broken == [], "broken links:\n" + "\n".join(broken[:20])
