"""The template context of every page kind, as plain data (the page cache fingerprints it).

`shared.PageBuilder` holds what every page shares (the site's navigation, lists of articles,
cards, breadcrumbs, full URLs); each other module has one function per page kind that takes
the builder (and the page's own subject) and returns its context: `articles` (home, topics,
articles), `site` (tags, search, contact, 404), `feeds` (feed, sitemap, redirects), `status`
(the status pages, feeds and badge). `kb.render.pages.page_jobs` lists which page kind uses
which function: to add a page kind, write its function here and add it there and to
`page_list`."""
