"""The speed machinery, fenced off from the pipeline: `runner.Speed` runs the build's jobs on every
core (`pool`), keeps their results between builds (`tables`, `pages`, in the cache folder of
`cachedir`, or in memory for `kb serve`) and writes pages where they are rendered. KB_PLAIN=1
builds with the plain runner (kb.runner) instead; the site is the same byte for byte."""
