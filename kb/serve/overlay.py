"""What `kb serve` adds to every page: the script that reloads it, and the overlay listing the
site's errors (always shown) and warnings (a list the writer can close).

The overlay lives in a shadow root with every property of its host reset, so the theme's styles
(a `pre` background, a `button` look, a font size) cannot reach it, and it has its own colours,
light or dark as the reader's scheme asks, each readable at WCAG AA or better.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

LIVE_PATH = "/__kb/live.js"
EVENTS_PATH = "/__kb/events"

# Every colour pair has a contrast of 7:1 or more (text on its box's background, the border apart).
OVERLAY_CSS = """
:host { all: initial !important; display: block !important; position: fixed !important; left: 0 !important;
  right: 0 !important; bottom: 0 !important; top: auto !important; z-index: 2147483647 !important;
  visibility: visible !important; opacity: 1 !important; transform: none !important; }
* { box-sizing: border-box; margin: 0; padding: 0; border: 0; background: none; color: inherit; font: inherit;
  letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: left; text-decoration: none;
  text-shadow: none; line-height: inherit; }
section { display: block; overflow: auto; padding: 0.75rem 1.25rem; border-top: 4px solid;
  font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.errors { max-height: 60vh; background: #fff0f0; color: #5c0a12; border-color: #cf222e; }
.warnings { max-height: 35vh; background: #fff8e1; color: #3d2e00; border-color: #9a6700; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-bottom: 0.25rem; }
strong { font-weight: 700; }
ul { list-style: none; }
li { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.125rem 0; }
button { flex: none; cursor: pointer; padding: 0.125rem 0.75rem; border: 1px solid currentColor; border-radius: 4px;
  font: 600 13px/1.5 system-ui, sans-serif; }
button:hover { text-decoration: underline; }
button:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .errors { background: #2d0b0f; color: #ffe3e3; border-color: #f85149; }
  .warnings { background: #272005; color: #fff1c7; border-color: #d29922; }
}
"""

LIVE_SCRIPT = """(() => {
  const script = document.currentScript;
  const version = script.dataset.version;
  let current = JSON.parse(script.dataset.problems || '{"errors": [], "warnings": []}');
  const KEY = "kb-dismissed-warnings";

  const dismissed = () => { try { return sessionStorage.getItem(KEY); } catch (e) { return null; } };
  const dismiss = (text) => { try { sessionStorage.setItem(KEY, text); } catch (e) { /* kept until the reload */ } };

  function box(kind, title, lines, onClose) {
    const section = document.createElement("section");
    section.className = kind;
    section.setAttribute("role", kind === "errors" ? "alert" : "status");
    section.setAttribute("aria-label", title);
    const head = document.createElement("div");
    head.className = "head";
    const heading = document.createElement("strong");
    heading.textContent = title;
    head.append(heading);
    if (onClose) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Close";
      button.setAttribute("aria-label", "Close the list of warnings");
      button.addEventListener("click", onClose);
      head.append(button);
    }
    const list = document.createElement("ul");
    for (const line of lines) {
      const item = document.createElement("li");
      item.textContent = line;
      list.append(item);
    }
    section.append(head, list);
    return section;
  }

  function show() {
    const { errors, warnings, count } = current;
    const signature = JSON.stringify(warnings);
    const showWarnings = warnings.length > 0 && dismissed() !== signature;
    let host = document.getElementById("kb-problems");
    if (!errors.length && !showWarnings) {
      if (host) host.remove();
      return;
    }
    if (!host) {
      host = document.createElement("div");
      host.id = "kb-problems";
      host.attachShadow({ mode: "open" });
      document.body.append(host);
    }
    const style = document.createElement("style");
    style.textContent = %(css)s;
    const parts = [style];
    if (showWarnings) {
      const title = `kb: ${count} warning${count === 1 ? "" : "s"} (the page is built; each is in the terminal too)`;
      parts.push(box("warnings", title, warnings, () => { dismiss(signature); show(); }));
    }
    if (errors.length) parts.push(box("errors", "kb cannot build this site", errors, null));
    host.shadowRoot.replaceChildren(...parts);
  }

  show();
  const source = new EventSource("%(events)s?v=" + version);
  source.addEventListener("reload", () => location.reload());
  source.addEventListener("problems", (event) => { current = JSON.parse(event.data); show(); });
})();
""" % {"css": json.dumps(OVERLAY_CSS), "events": EVENTS_PATH}


def problems_data(errors: Sequence[str], warnings: Sequence[str], count: int) -> str:
    """What the overlay shows, as the JSON the script reads: error lines, summarised warning lines, and
    the number of warnings."""
    return json.dumps({"errors": list(errors), "warnings": list(warnings), "count": count})  # ASCII: lone surrogates too


def inject(body: bytes, version: int, data: str) -> bytes:
    """The page with the live script before `</body>`, carrying the version to reload after and the overlay's data."""
    tag = (f'<script src="{LIVE_PATH}" data-version="{version}" data-problems="{html.escape(data, quote=True)}">'
           "</script>").encode()
    return body.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in body else body + tag
