"""Build the support centre: the same as `kb build`."""

import sys

from kb.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
