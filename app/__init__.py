"""The Streamlit app's pages (``ui.py`` is the entry point)."""
