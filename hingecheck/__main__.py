import sys

from hingecheck.apps.cli import main

sys.exit(main())
