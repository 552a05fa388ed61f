"""``python -m mes_app``: the administrator's command line (see :mod:`mes_app.cli`)."""

from mes_app.cli import main

raise SystemExit(main())
