"""What the tests and the benches share, so that each setting lives in one place.

- `chromium`: Debian's Chromium, its launch arguments and a launch helper (Playwright).
- `server`: a static HTTP server on 127.0.0.1 that serves a built site as a static host does.
- `corpus`: the generated, deterministic corpus of support articles (benches and large-site tests).
- `kbsite`: the site model of a content folder, loaded by kb itself (the one place that calls kb's loader).
- `expect`: what the browser tests expect to see, from that model plus a small Markdown-feature oracle.
- `pages`: the built site read back: which page is an article or a topic, and its title.
"""
