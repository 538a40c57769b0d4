"""``govkg explore``: open the Streamlit explorer on the store the settings name, from any folder (a CLI plugin).

It runs ``streamlit run`` on the explorer script that ships with the package (explorer/app.py), with the
settings passed on through the environment (``--store`` becomes ``GOVKG_STORE``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from graph.errors import SettingsError
from graph.settings import Settings


def register(sub: Any, command: Callable[[str], Callable[[Any], Any]]) -> None:
    p = sub.add_parser("explore", help="open the explorer (Streamlit) in a browser",
                       description="Run the Streamlit explorer on the store the settings name; it ingests the "
                                   "bundled data first when the store is empty. Stop with Ctrl-C.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    p.add_argument("--print-command", action="store_true", help="print the streamlit command instead of running it")
    command("explore")(cmd_explore)


def streamlit_command(host: str, port: int) -> list[str]:
    """The command that runs the installed explorer script."""
    from explorer import app

    return [sys.executable, "-m", "streamlit", "run", app.__file__, "--server.address", host,
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer"]


def cmd_explore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        import streamlit  # noqa: F401
    except ImportError as exc:
        raise SettingsError("the explorer needs Streamlit", hint='install it with pip install "govkg[app]"') from exc
    argv = streamlit_command(args.host, args.port)
    if args.print_command:
        sys.stdout.write(" ".join(argv) + "\n")
        return 0
    os.environ["GOVKG_STORE"] = settings.store  # --store, passed on to the script's own Settings.load()
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached
