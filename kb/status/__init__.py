"""The System Status page, from status.yaml to the site's status pages and API.

model: the data (StatusFile as written, StatusReport at the build's clock); parse and incidents:
status.yaml read and checked with positions, the time zone validated once; times: the range of
times kb reasons about; report: timelines, statuses, rollup and uptime at the clock; view: the
templates' contexts; api: the Statuspage v2 JSON files.
"""

from .parse import STATUS_FILE, StatusLinks, load_status, parse_datetime, parse_status, stable_id, status_links

__all__ = ["STATUS_FILE", "StatusLinks", "load_status", "parse_datetime", "parse_status", "stable_id", "status_links"]
