"""A small status.yaml and helpers shared by the status tests: parse it as the build does, times in UTC."""

from __future__ import annotations

import datetime as dt
import textwrap

from kb.status import StatusLinks, parse_status
from kb.status.model import StatusFile
from kb.content.yamlpos import load_yaml

UTC = dt.UTC
LINKS = StatusLinks(
    "Acme Status", "https://help.example/status/",
    articles={"billing/refund.md": "billing/refund.md", "/billing/refund/": "billing/refund.md", "refund": "billing/refund.md"},
    categories={"billing": "billing", "/billing/": "billing"},
)
BASE = """\
page:
  name: Acme Status
  time_zone: Etc/UTC
groups:
  - key: desk
    name: Agent Desktop
    category: billing
    components:
      - key: cases
        name: Cases
      - key: email
        name: Email
        status: degraded_performance
"""


def parse(text: str, base: str = BASE) -> tuple[StatusFile, list[str]]:
    """`base` and `text` as one status.yaml, parsed: the file and its problems as printed."""
    status, found = parse_status(load_yaml(textwrap.dedent(base) + textwrap.dedent(text)), "content/status.yaml", LINKS)
    return status, [d.format() for d in found]


def at(text: str) -> dt.datetime:
    """A UTC time from "YYYY-MM-DD HH:MM"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


INCIDENT = """\
incidents:
  - key: mail-delay
    title: Email delayed
    components:
      email: partial_outage
    articles: [billing/refund.md]
    updates:
      - at: 2026-11-10 07:00
        status: investigating
        body: Looking.
      - at: 2026-11-10 08:00
        status: monitoring
        components:
          email: degraded_performance
        body: Better.
      - at: 2026-11-10 10:00
        status: resolved
        body: Fixed.
"""
