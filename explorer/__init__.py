"""The Streamlit explorer's pages and view helpers (the front door ``app.py`` routes to them).

Pages lay out widgets and call graph/views (plain data, no Streamlit) and the analytics and search packages.
Each view keeps its state in the URL (``st.query_params``), so its address is a link that restores it.
"""
