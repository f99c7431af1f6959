"""kb: a static site generator for customer-support knowledge bases."""

__version__ = "0.1.0"
