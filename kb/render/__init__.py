"""The site rendered through the theme: every page with its context (`pages`), the Jinja
environment, its filters and the theme folders (`theme`, `loader`, `jinjaenv`), and what pages
carry besides (`seo`, `sitefile`, `minify`)."""
