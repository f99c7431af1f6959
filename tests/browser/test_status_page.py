"""The System Status pages in headless Chromium; expected values come from content/status.yaml (PyYAML), not kb."""

from __future__ import annotations

import collections
import datetime as dt
import urllib.parse
import zoneinfo

import pytest
import yaml

pytestmark = pytest.mark.browser

BUILD_NOW = "2026-11-26T20:00:00Z"  # the --now of the built_site fixture (NOW in conftest.py)
INCIDENT = "2026-11-10-inbound-email"  # resolved; its first day is a bar of "Inbound email"
OPEN_INCIDENT = "2026-11-25-kb-search"
MAINTENANCE = "2026-12-05-database-upgrade"
PAGES = {"status": "/status/", "history": "/status/history/", "incident": f"/status/incidents/{INCIDENT}/",
         "maintenance": f"/status/incidents/{MAINTENANCE}/"}
UPTIME_DAYS = 90
ORDER = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")
CLOSED = {"resolved", "postmortem", "completed"}


# An incident or maintenance that has begun: `end` is the build time while open; component key -> status.
Span = collections.namedtuple("Span", "key title start end open components")


class StatusModel:
    """status.yaml as seen at one moment: what has begun, what is open, what each component shows."""

    def __init__(self, path, now: str) -> None:
        self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.zone = zoneinfo.ZoneInfo(self.data["page"]["time_zone"])
        self.now = dt.datetime.fromisoformat(now)
        self.names = {c["key"]: c["name"] for g in self.data["groups"] for c in g["components"]}

    def incident(self, key: str) -> dict:
        return next(i for i in self.data["incidents"] if i["key"] == key)

    def at(self, value) -> dt.datetime:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def spans(self) -> list[Span]:
        found = []
        for item in self.data.get("incidents") or ():
            updates = [u for u in item["updates"] if self.at(u["at"]) <= self.now]
            if not updates:
                continue
            closed, state = None, dict(item["components"])
            for update in updates:
                state.update(update.get("components") or {})
                if update["status"] in CLOSED:
                    closed = update
                    break
            start = self.at(item.get("started") or updates[0]["at"])
            end = self.at(closed["at"]) if closed else self.now
            found.append(Span(item["key"], item["title"], start, end, closed is None, state))
        for item in self.data.get("maintenance") or ():
            start, end = self.at(item["start"]), self.at(item["end"])
            if start <= self.now:
                found.append(Span(item["key"], item["title"], start, min(end, self.now), end > self.now,
                                  {key: "under_maintenance" for key in item["components"]}))
        return found

    def bar_links(self) -> dict[tuple[str, dt.date], str]:
        """(component name, day) -> the path its bar links to, for days in the last 90 with incidents."""
        today = self.now.astimezone(self.zone).date()
        first = today - dt.timedelta(days=UPTIME_DAYS - 1)
        keys: dict[tuple[str, dt.date], list[str]] = {}
        for span in self.spans():
            lo = span.start.astimezone(self.zone).date()
            hi = (span.end.astimezone(self.zone) - dt.timedelta(microseconds=1)).date()
            days = [lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1)]
            for day, component in ((d, c) for d in days if first <= d <= today for c in span.components):
                keys.setdefault((self.names[component], day), []).append(span.key)
        return {pair: f"/status/incidents/{k[0]}/" if len(k) == 1 else f"/status/history/#{pair[1].isoformat()}"
                for pair, k in keys.items()}

    def description(self) -> str:
        """The overall status in Statuspage's words, from what the open incidents and maintenance do now."""
        statuses = {key: "operational" for key in self.names}
        for span in self.spans():
            if span.open:
                for key, status in span.components.items():
                    statuses[key] = max(statuses[key], status, key=ORDER.index)
        top = max(statuses.values(), key=ORDER.index)
        alike = all(v == top for v in statuses.values())
        return {"major_outage": "Major System Outage" if alike else "Partial System Outage",
                "partial_outage": "Partial System Outage", "under_maintenance": "Service Under Maintenance",
                "degraded_performance": "Degraded System Service" if alike else "Partially Degraded Service",
                }.get(top, "All Systems Operational")


@pytest.fixture(scope="module")
def status(content) -> StatusModel:
    return StatusModel(content.root / "status.yaml", BUILD_NOW)


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def open_page(page, origin: str, path: str):
    response = page.goto(origin + path, wait_until="load")
    assert response is not None and response.status == 200, f"GET {path}: HTTP {response and response.status}"


def path_of(page, href: str) -> str:
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(page.url, href))
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


def article_url(content, built_site, source: str) -> str:
    """The built URL of an article, from its path under content/ (as `articles:` names it)."""
    doc = content.by_rel[source]
    assert doc.title in built_site.article_urls, f"no built page for {doc.rel}"
    return built_site.article_urls[doc.title]


def component_row(page, name: str):
    rows = page.locator(".status-component").filter(has=page.get_by_role("heading", name=name, exact=True))
    assert rows.count() == 1, f"expected one component row named {name!r}, found {rows.count()}"
    return rows


def travel_to(now: str, tmp_path, build_example, serve_folder, content) -> tuple[str, StatusModel]:
    out = build_example(tmp_path / "site", "--now", now, "--no-search")
    return serve_folder(out), StatusModel(content.root / "status.yaml", now)


def section(page, heading: str):
    found = page.locator("section.status-section").filter(has=page.get_by_role("heading", name=heading, exact=True))
    assert found.count() == 1, f"no {heading!r} section"
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", [*PAGES, "known-issue article"])
def test_no_axe_violations(kind, scheme, new_context, server, axe, content, built_site, status):
    """axe-core finds no violations on the status pages and on an article with a known-issue banner."""
    path = PAGES.get(kind) or article_url(content, built_site, status.incident(OPEN_INCIDENT)["articles"][0])
    page = new_context(color_scheme=scheme).new_page()
    open_page(page, server, path)
    violations = axe(page)
    assert not violations, f"axe-core on {path} ({scheme}):\n" + axe.format(violations)


def test_bar_links_without_javascript(new_context, server, status, http_status):
    """Without JavaScript a day's bar links to its incident, and exactly the days with incidents are links."""
    page = new_context(java_script_enabled=False).new_page()
    open_page(page, server, "/status/")
    links = page.locator(".uptime-bars li.bar > a")
    shown = {}
    for link in links.all():
        name = norm(link.locator("xpath=ancestor::li[contains(@class,'status-component')]//h4").inner_text())
        day = dt.datetime.strptime(norm(link.text_content()).split(":")[0], "%b %d, %Y").date()
        shown[(name, day)] = path_of(page, link.get_attribute("href"))
    assert shown == status.bar_links(), "bar links differ from the incident days in status.yaml"
    for target in set(shown.values()):
        assert http_status(target.split("#")[0]) == 200, f"bar link {target} is broken"
    incident = next(s for s in status.spans() if s.key == INCIDENT)
    day = incident.start.astimezone(status.zone).date()
    row = component_row(page, status.names[next(iter(incident.components))])
    bar = row.locator("li.bar > a").filter(has_text=f"{day:%b} {day.day}, {day.year}:")
    assert bar.count() == 1, f"the {day} bar of the incident's component is not a link"
    bar.click()
    page.wait_for_url(f"**/status/incidents/{INCIDENT}/")
    assert norm(page.locator("main h1").inner_text()) == incident.title


def test_keyboard_reaches_bar_with_visible_focus(page, server):
    """Tab from the top reaches every bar link, each with a focus ring that is drawn on screen."""
    open_page(page, server, "/status/")
    links, reached = page.locator(".uptime-bars a").count(), set()
    for _ in range(links + 100):
        page.keyboard.press("Tab")
        bar = page.evaluate_handle("document.activeElement").as_element()
        index = bar.evaluate("a => [...document.querySelectorAll('.uptime-bars a')].indexOf(a)")
        if index < 0:
            continue
        if index in reached:
            break  # Tab went round the page
        reached.add(index)
        label = norm(bar.text_content())
        style = bar.evaluate("a => { const s = getComputedStyle(a); return [s.outlineStyle, s.outlineWidth]; }")
        assert style[0] != "none" and float(style[1].removesuffix("px")) > 0, f"bar {label!r} has outline {style}"
        box = bar.bounding_box()
        clip = {"x": box["x"] - 6, "y": box["y"] - 6, "width": box["width"] + 12, "height": box["height"] + 12}
        focused = page.screenshot(clip=clip)
        bar.evaluate("a => a.blur()")
        assert page.screenshot(clip=clip) != focused, f"focus ring of the bar {label!r} is not visible"
        bar.focus()
    assert links and len(reached) == links, f"Tab reached {len(reached)} of {links} bar links"


def test_footer_status_link_on_every_page_kind(page, server, content, built_site, status):
    """Every page kind links to /status/ in its footer, with the overall description of the banner."""
    open_page(page, server, "/status/")
    banner = norm(page.locator(".status-banner").inner_text())
    assert banner == status.description() == "Partially Degraded Service"
    category, article = built_site.category_urls[content.categories[0].title], content.published[0].rel
    for path in ("/", category, article_url(content, built_site, article), "/search/", "/status/"):
        open_page(page, server, path)
        link = page.locator(".footer-status a")
        assert link.count() == 1, f"{path}: {link.count()} footer status links"
        assert path_of(page, link.get_attribute("href")) == "/status/", f"{path}: footer link goes elsewhere"
        assert norm(link.inner_text()) == banner, f"{path}: footer says {link.inner_text()!r}"
        assert link.locator("svg").count() == 1, f"{path}: footer status has no icon"


def test_known_issue_banner(page, server, content, built_site, status):
    """An article named by an open incident shows a known-issue banner; one named only by resolved ones does not."""
    spans = {s.key: s for s in status.spans()}
    assert spans[OPEN_INCIDENT].open and not spans[INCIDENT].open
    open_page(page, server, article_url(content, built_site, status.incident(OPEN_INCIDENT)["articles"][0]))
    notice = page.locator(".notice.notice-warning.known-issue")
    assert notice.count() == 1 and notice.is_visible(), "no known-issue banner on the article"
    assert "Known issue:" in notice.inner_text()
    link = notice.locator("a")
    assert path_of(page, link.get_attribute("href")) == f"/status/incidents/{OPEN_INCIDENT}/"
    assert norm(link.inner_text()) == spans[OPEN_INCIDENT].title
    named_by_open = {a for i in status.data["incidents"] if spans[i["key"]].open for a in i.get("articles") or ()}
    resolved_only = next(a for a in status.incident(INCIDENT)["articles"] if a not in named_by_open)
    open_page(page, server, article_url(content, built_site, resolved_only))
    assert page.locator(".known-issue").count() == 0, f"{resolved_only} shows a known-issue banner"


def test_status_never_by_colour_alone(page, server, status):
    """Every status on /status/ is shown as visible text with an icon."""
    open_page(page, server, "/status/")
    states = page.locator(".status-state")
    assert states.count() >= len(status.names) + len(status.data["groups"]), "fewer statuses than components"
    for state in states.all():
        text = state.locator("span")
        assert norm(text.inner_text()) and text.is_visible(), f"status without visible text: {state.inner_html()}"
        assert state.locator("svg").count() == 1, f"status {text.inner_text()!r} has no icon"


def test_time_travel_maintenance_in_progress(tmp_path, build_example, serve_folder, page, content):
    """Built during the database upgrade, /status/ shows it in progress and its components under maintenance."""
    origin, model = travel_to("2026-12-06T07:00:00Z", tmp_path, build_example, serve_folder, content)
    item = next(m for m in model.data["maintenance"] if m["key"] == MAINTENANCE)
    open_page(page, origin, "/status/")
    titles = section(page, "Maintenance in progress").locator(".status-incident-title").all_inner_texts()
    assert item["title"] in [norm(t) for t in titles]
    for key in item["components"]:
        row = component_row(page, model.names[key])
        assert norm(row.locator(".status-component-head .status-state").inner_text()) == "Under maintenance"


def test_time_travel_partial_outage(tmp_path, build_example, serve_folder, page, content):
    """Built during the inbound email incident, /status/ reports a partial outage and lists it as active."""
    origin, model = travel_to("2026-11-10T17:00:00Z", tmp_path, build_example, serve_folder, content)
    open_page(page, origin, "/status/")
    banner = norm(page.locator(".status-banner").inner_text())
    assert banner == model.description() == "Partial System Outage"
    titles = section(page, "Active incidents").locator(".status-incident-title").all_inner_texts()
    assert next(s.title for s in model.spans() if s.key == INCIDENT) in [norm(t) for t in titles]
