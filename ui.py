"""The Streamlit app: `streamlit run ui.py`. Thin: its pages call only ``rag.api``.

Three pages: "Ask" (app/ask.py), the chat with cited answers; "Who said
what" (app/speakers.py), each person's quotes by date with their sources;
and "Library" (app/library.py), the indexed articles to open, re-ingest or
delete. Each page runs inside ``app.safety.guarded``: a visitor never sees a traceback.
"""

import streamlit as st

from app.safety import guarded
from app.style import CSS

# Also in .streamlit/config.toml; set here so they hold wherever the app is started from.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "minimal")
st.set_page_config(page_title="News RAG", page_icon="📰")
st.markdown(CSS, unsafe_allow_html=True)
pages = [
    st.Page("app/ask.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("app/speakers.py", title="Who said what", icon=":material/record_voice_over:", url_path="speakers"),
    st.Page("app/library.py", title="Library", icon=":material/library_books:", url_path="library"),
]
guarded(st.navigation(pages).run)
