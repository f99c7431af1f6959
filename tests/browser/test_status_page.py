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
STATUS_WORDS = {"Operational", "Under maintenance", "Degraded performance", "Partial outage", "Major outage", "No data"}


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

    def day_incidents(self) -> dict[tuple[str, dt.date], list[str]]:
        """(component name, day) -> the pages of that day's incidents, for days in the last 90 with incidents."""
        today = self.now.astimezone(self.zone).date()
        first = today - dt.timedelta(days=UPTIME_DAYS - 1)
        found: dict[tuple[str, dt.date], list[str]] = {}
        for span in self.spans():
            lo = span.start.astimezone(self.zone).date()
            hi = (span.end.astimezone(self.zone) - dt.timedelta(microseconds=1)).date()
            days = [lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1)]
            for day, component in ((d, c) for d in days if first <= d <= today for c in span.components):
                found.setdefault((self.names[component], day), []).append(f"/status/incidents/{span.key}/")
        return {pair: sorted(paths) for pair, paths in found.items()}

    def statuses(self) -> dict[str, str]:
        """Component key -> its status now, from what the open incidents and maintenance do."""
        statuses = {key: "operational" for key in self.names}
        for span in self.spans():
            if span.open:
                for key, status in span.components.items():
                    statuses[key] = max(statuses[key], status, key=ORDER.index)
        return statuses

    def description(self) -> str:
        """The overall status in Statuspage's words, from what the open incidents and maintenance do now."""
        statuses = self.statuses()
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


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DAYS_SHOWN = "ol => [...ol.children].filter(li => li.offsetParent).reduce((n, li) => n + (+li.style.getPropertyValue('--n') || 1), 0)"
OLD_PHONE_HEIGHT = 6661  # px, /status/ at 390x844 before groups were folded and phones shown 30 days


def day_of(label: str) -> dt.date:
    return dt.datetime.strptime(label.split(":")[0].strip(), "%b %d, %Y").date()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_with_every_group_and_a_day_open(scheme, new_context, server, axe):
    """axe-core also finds nothing in the folded groups and in a day's details, once they are open."""
    page = new_context(color_scheme=scheme).new_page()
    open_page(page, server, "/status/")
    page.evaluate("document.querySelectorAll('details.status-group').forEach(d => d.open = true)")
    bar = page.locator(".uptime-bars li.bar").filter(has=page.locator(".day-incidents")).first
    bar.locator("summary").click()
    assert bar.locator(".day-detail").is_visible()
    violations = axe(page)
    assert not violations, f"axe-core on /status/ with a day open ({scheme}):\n" + axe.format(violations)


def test_day_details_without_javascript(new_context, server, status, http_status):
    """Without JavaScript every day with incidents lists exactly its incidents; a click opens a day, its link works."""
    page = new_context(java_script_enabled=False).new_page()
    open_page(page, server, "/status/")
    shown = {}
    for bar in page.locator(".uptime-bars li.bar").filter(has=page.locator(".day-incidents")).all():
        name = norm(bar.locator("xpath=ancestor::li[contains(@class,'status-component')]//h4").text_content())
        links = bar.locator(".day-incidents a")
        shown[(name, day_of(norm(bar.locator(".day-date").text_content())))] = sorted(
            path_of(page, href) for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert shown == status.day_incidents(), "the incidents of each day differ from status.yaml"
    for target in {p for paths in shown.values() for p in paths}:
        assert http_status(target) == 200, f"day link {target} is broken"
    incident = next(s for s in status.spans() if s.key == INCIDENT)
    day = incident.start.astimezone(status.zone).date()
    component = status.names[next(iter(incident.components))]
    group = page.locator("details.status-group").filter(has=page.locator("h4", has_text=component))
    if group.get_attribute("open") is None:
        group.locator("summary").first.click()  # a folded group opens without JavaScript
    row = component_row(page, component)
    bar = row.locator("li.bar").filter(has=page.locator(".day-date", has_text=f"{day:%b} {day.day}, {day.year}"))
    assert bar.count() == 1, f"no single day {day} on the row of {component}"
    detail = bar.locator(".day-detail")
    assert not detail.is_visible()
    bar.locator("summary").click()
    assert detail.is_visible(), "a click on a day does not show its details"
    detail.get_by_role("link", name=incident.title).click()
    page.wait_for_url(f"**/status/incidents/{INCIDENT}/")
    assert norm(page.locator("main h1").inner_text()) == incident.title


def test_groups_are_folded_when_all_their_components_are_operational(new_context, server, status):
    """A group is open when one of its components is not operational, folded otherwise; without JavaScript too."""
    page = new_context(java_script_enabled=False).new_page()
    open_page(page, server, "/status/")
    statuses = status.statuses()
    expected = {g["name"]: any(statuses[c["key"]] != "operational" for c in g["components"]) for g in status.data["groups"]}
    assert set(expected.values()) == {True, False}, "the example should have folded and open groups"
    groups = page.locator("details.status-group")
    shown = {norm(g.locator("summary h3 > span").first.text_content()): g.get_attribute("open") is not None
             for g in groups.all()}
    assert shown == expected
    folded = groups.filter(has=page.locator("summary", has_text=next(n for n, o in expected.items() if not o)))
    assert not folded.locator(".uptime-bars").first.is_visible()
    folded.locator("summary").first.click()
    assert folded.locator(".uptime-bars").first.is_visible(), "a folded group does not open on a click"


def test_tapping_a_day_on_a_phone_shows_its_details(new_context, server, status):
    """On a phone each row shows the last 30 days, each day big enough to tap; a tap shows its details, another closes them."""
    page = new_context(**PHONE).new_page()
    open_page(page, server, "/status/")
    for ol in page.locator(".uptime-bars").all():
        if ol.is_visible():
            assert ol.evaluate(DAYS_SHOWN) == 30
    incident = next(s for s in status.spans() if s.key == OPEN_INCIDENT)
    row = component_row(page, status.names[next(iter(incident.components))])
    today = status.now.astimezone(status.zone).date()
    bar = row.locator("li.bar").last
    target = bar.locator("summary").bounding_box()
    assert target["width"] >= 8 and target["height"] >= 30, f"a day is {target['width']:.1f} x {target['height']:.1f} px"
    bar.locator("summary").tap()
    detail = bar.locator(".day-detail")
    assert detail.is_visible(), "a tap on a day does not show its details"
    box = detail.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the day's details do not fit the screen"
    text = norm(detail.inner_text())
    assert f"{today:%b} {today.day}, {today.year}" in text and "Degraded performance" in text
    assert detail.get_by_role("link", name=incident.title).is_visible()
    previous = row.locator("li.bar").nth(-2)
    previous.locator("summary").tap()
    assert previous.locator(".day-detail").is_visible() and not detail.is_visible(), "two days are open at once"
    page.locator("main h1").tap()
    assert not previous.locator(".day-detail").is_visible(), "a tap elsewhere does not close the day"


def test_wide_screens_show_90_days(page, server):
    open_page(page, server, "/status/")
    counts = [ol.evaluate(DAYS_SHOWN) for ol in page.locator(".uptime-bars").all() if ol.is_visible()]
    assert counts and set(counts) == {90}


def test_keyboard_reaches_every_day_with_visible_focus(page, server):
    """Tab reaches every day of the open groups, with a focus ring drawn on screen; Enter opens it, Escape closes it."""
    open_page(page, server, "/status/")
    days = page.locator(".uptime-bars summary")
    visible = [i for i, ok in enumerate(days.evaluate_all("s => s.map(e => !!e.offsetParent && e.checkVisibility())")) if ok]
    reached = set()
    for _ in range(len(visible) * 4 + 100):
        page.keyboard.press("Tab")
        day = page.evaluate_handle("document.activeElement").as_element()
        index = day.evaluate("s => [...document.querySelectorAll('.uptime-bars summary')].indexOf(s)")
        if index < 0:
            continue
        if index in reached:
            break  # Tab went round the page
        reached.add(index)
        if len(reached) > 3:
            continue  # the focus ring is looked at on the first three
        box = day.bounding_box()
        clip = {"x": box["x"] - 6, "y": box["y"] - 6, "width": box["width"] + 12, "height": box["height"] + 12}
        focused = page.screenshot(clip=clip)
        day.evaluate("s => s.blur()")
        assert page.screenshot(clip=clip) != focused, "the focus ring of a day is not visible"
        day.focus()
    assert visible and reached == set(visible), f"Tab reached {len(reached)} of {len(visible)} days"
    last = days.nth(visible[-1])
    last.focus()
    page.keyboard.press("Enter")
    detail = last.locator("xpath=following-sibling::div[contains(@class,'day-detail')]")
    assert detail.is_visible(), "Enter does not open a day"
    assert norm(last.text_content()).split(":")[0] in norm(detail.inner_text())
    page.keyboard.press("Escape")
    assert not detail.is_visible(), "Escape does not close a day"
    assert last.evaluate("s => s === document.activeElement"), "Escape does not give the focus back to the day"


# --- spacing and alignment, measured as a reader sees it ---------------------------------------


def gap(page, upper: str, lower: str) -> float:
    """Vertical space between the bottom of `upper` and the top of `lower` (CSS selectors, first match)."""
    return page.evaluate("([a, b]) => document.querySelector(b).getBoundingClientRect().top"
                         " - document.querySelector(a).getBoundingClientRect().bottom", [upper, lower])


BASELINES = """rows => rows.map(row => [...row.children].map(cell => {
    const probe = document.createElement('span');  // an empty inline-block sits on its line's baseline
    probe.style.cssText = 'display:inline-block;width:0;height:0';
    const text = cell.matches('.status-row-state') ? cell.querySelector('.status-state > span') : cell;
    text.prepend(probe);  // the first line's baseline
    const box = cell.getBoundingClientRect(), base = probe.getBoundingClientRect().bottom;
    probe.remove();
    return {left: box.left, right: box.right, base};
}))"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
@pytest.mark.parametrize("path", ["/status/", "/status/history/"])
def test_incident_rows_are_columns(new_context, server, viewport, path):
    """Recent incidents and the history: dates in a column, impacts flush right, every row's text on one baseline."""
    page = new_context(viewport=viewport).new_page()
    open_page(page, server, path)
    lists = page.locator("ul.status-rows")
    assert lists.count() >= 1
    for rows in lists.all():
        cells = rows.locator(":scope > li").evaluate_all(BASELINES)
        assert len(cells) >= 2
        when, title, state = zip(*cells)
        assert max(c["left"] for c in when) - min(c["left"] for c in when) <= 0.5, "dates are not in a column"
        assert max(c["right"] for c in state) - min(c["right"] for c in state) <= 0.5, "impacts are not in a column"
        if viewport["width"] > 600:
            assert max(c["left"] for c in title) - min(c["left"] for c in title) <= 0.5, "titles are not in a column"
            lines = [(w["base"], t["base"], s["base"]) for w, t, s in cells]
        else:
            lines = [(w["base"], s["base"]) for w, _, s in cells]  # the title is on a line of its own
        for line in lines:
            assert max(line) - min(line) <= 1, f"a row's texts are not on one baseline: {line}"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_headings_have_room_above(new_context, server, viewport, status):
    """The incident page's Updates heading and the history's month headings do not touch what is above them."""
    page = new_context(viewport=viewport).new_page()
    open_page(page, server, f"/status/incidents/{INCIDENT}/")
    assert status.incident(INCIDENT).get("articles"), "the incident should name workaround articles"
    assert gap(page, ".status-articles .link-list", ".status-incident-page > h2:last-of-type") >= 24
    open_page(page, server, "/status/history/")
    months = page.locator(".status-month")
    assert months.count() >= 2
    for number in range(1, months.count()):
        space = gap(page, f".status-month:nth-of-type({number}) .status-rows > li:last-child",
                    f".status-month:nth-of-type({number + 1}) > h2")
        assert space >= 24, f"month heading {number + 1} is {space:.1f} px below the row above"


def test_status_page_height_on_a_phone(new_context, server):
    """Folded groups and 30-day rows keep the page short on a phone: the components take at most 1.5 screens and the
    page at most two thirds of the 6,661 px it took with every group open and 90 days a row (measured 4,002 px)."""
    page = new_context(**PHONE).new_page()
    open_page(page, server, "/status/")
    components = section(page, "Components").bounding_box()["height"]
    height = page.evaluate("document.documentElement.scrollHeight")
    assert components <= 1.5 * 844, f"the components take {components:.0f} px"
    assert height <= OLD_PHONE_HEIGHT * 2 / 3, f"the page is {height} px tall"


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
    """Every status on /status/ is text with an icon (visible where its group is open), every day's status text."""
    open_page(page, server, "/status/")
    states = page.locator(".status-state")
    assert states.count() >= len(status.names) + len(status.data["groups"]), "fewer statuses than components"
    for state in states.all():
        text = state.locator("span")
        assert norm(text.text_content()), f"status without text: {state.inner_html()}"
        assert text.is_visible() or not state.is_visible(), f"status without visible text: {state.inner_html()}"
        assert state.locator("svg").count() == 1, f"status {text.text_content()!r} has no icon"
    for day in page.locator(".day-detail").all():
        assert norm(day.locator("p").nth(1).text_content()) in STATUS_WORDS, f"a day without its status: {day.inner_html()}"


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
