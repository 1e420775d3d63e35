"""Explorer: the entry script — navigation over pages/ and the shared sidebar."""

import streamlit as st
import torch

from explorer import ROOT
from explorer.ui.pages import PAGES
from explorer.ui.server_fixes import entry_script, keep_file_watchers_off
from explorer.ui.theme import classroom_toggle

keep_file_watchers_off()  # a reconnecting tab would make the server rescan ~2,900 modules
torch.set_num_threads(1)  # each rerun's decode is tiny; one thread per session scales to a class of 30
st.set_page_config(page_title="Explorer", page_icon=ROOT / "explorer/ui/static/icon.png", layout="wide")
pages = [st.Page(ROOT / p.path, title=p.title, icon=p.icon, default=(i == 0)) for i, p in enumerate(PAGES)]
page = st.navigation(pages)
classroom_toggle()
with entry_script():  # pages check it: a run without it is Streamlit's legacy pages/ mode
    page.run()
