"""The search index, made by Pagefind over the staged site.

index: the index built in shards (running Pagefind); languages: one bundle per language, and which
pages each holds; pages: which pages are indexed, and whether Pagefind may read their marked element
alone; shards: the shards kept in the cache folder between builds; files: Pagefind's output made the
same from build to build.
"""

from .index import SearchReport, index_site
from .languages import site_languages
from .pages import BODY, SUBDIR, body_only

__all__ = ["BODY", "SUBDIR", "SearchReport", "body_only", "index_site", "site_languages"]
