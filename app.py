"""GovKG explorer from a checkout: ``streamlit run app.py``. The script itself ships with the package as
explorer/app.py (``govkg explore`` runs it from any folder); this file only runs it."""

from __future__ import annotations

from explorer.app import main

if __name__ == "__main__":  # not when a query worker (multiprocessing spawn) imports this script as __mp_main__
    main()
