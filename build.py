"""Build the support centre: the same as `kb build`."""

import sys

from kb.cli import run

if __name__ == "__main__":
    run(["build", *sys.argv[1:]])
