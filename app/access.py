"""Who may change the index from the app: asking is open to every visitor, writing can be locked.

Upload, add by link, follow or refresh feeds, re-ingest and delete are write
actions. With ``RAG_APP_TOKEN`` set they wait until this browser session gives
the token (compared in constant time). Without it, an app bound to the loopback
address (``make run``) lets its one user write, and an app bound to any other
address (reachable by others) is read-only and says how to unlock it.
"""

from __future__ import annotations

import hmac
import ipaddress
from pathlib import PurePath

import streamlit as st

from rag.settings import Settings

UNLOCKED = "editor_unlocked"


def served_on_loopback(address: str | None) -> bool:
    """Whether Streamlit's ``server.address`` keeps the app on this machine (unset means every interface)."""
    if not address:
        return False
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def server_path(location: str | None) -> tuple[str, str | None]:
    """A place on the server as the page shows it: a short name, and the full one as a tooltip for its owner.

    The full path or server URL says how the machine is laid out, so a visitor of an app served beyond
    loopback sees only the last part.
    """
    if not location:
        return "no file", None
    short = "a Chroma server" if location.startswith(("http://", "https://")) else PurePath(location).name
    return short, location if served_on_loopback(st.get_option("server.address")) else None


def can_write(settings: Settings) -> bool:
    """Whether this browser session may change the index; shows the unlock box or the read-only note when not.

    Call it inside the sidebar, once per page run.
    """
    if st.session_state.get(UNLOCKED):
        return True
    if not settings.app_token:
        if served_on_loopback(st.get_option("server.address")):
            return True
        st.info(
            "Read-only: this app is served beyond this machine, so adding and deleting articles is off. "
            "To let editors change the library, restart it with RAG_APP_TOKEN=<a secret> and give them the secret."
        )
        return False
    with st.form("unlock", clear_on_submit=True, border=False):
        given = st.text_input("Editor token", type="password", help="adding and deleting articles needs it")
        if st.form_submit_button("Unlock editing") and given:
            if hmac.compare_digest(given.encode(), settings.app_token.encode()):
                st.session_state[UNLOCKED] = True
                st.rerun()
            st.error("That is not the editor token (RAG_APP_TOKEN); asking questions needs none.")
    return False
