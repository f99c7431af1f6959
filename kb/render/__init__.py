"""The site rendered through the theme: every page, feed and file (`pages`: the list of pages and
which context each takes), the contexts by page kind (`contexts`), every URL and path of the
site (`urls`), the Jinja environment, its filters and the theme folders (`theme`, `loader`,
`jinjaenv`), and what pages carry besides (`seo`, `sitefile`, `minify`)."""
