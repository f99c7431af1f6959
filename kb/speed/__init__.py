"""The speed machinery, fenced off from the pipeline. `runner.Speed` does the plain runner's work
(kb.runner) sooner: jobs on every core (`pool`), results kept between builds (`tables` and `pages`
in the cache folder that `cachedir` guards, or in memory for `kb serve`), pages written where they
are rendered; `mdquick` and `highlight` are quicker parts of Python-Markdown and Pygments, installed
on kb's own instances. KB_PLAIN=1 builds without any of it; the site is the same byte for byte."""
