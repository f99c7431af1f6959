"""`kb serve`: the preview server. It rebuilds on every change (`server`, `watch`), keeps the latest
good site and renders pages on request (`preview`), answers HTTP on 127.0.0.1 (`handler`), and
shows problems in the page (`overlay`)."""
