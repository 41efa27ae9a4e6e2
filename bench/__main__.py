"""python -m bench [--small] [--database-url URL]: see bench/run.py."""
import sys

from .run import main

sys.exit(main())
