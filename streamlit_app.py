"""Explorer: the entry script — navigation over pages/ and the shared sidebar."""

import streamlit as st

from explorer.ui.pages import PAGES, ROOT
from explorer.ui.theme import classroom_toggle

st.set_page_config(page_title="Explorer", page_icon=":material/school:", layout="wide")
pages = [st.Page(ROOT / p.path, title=p.title, icon=p.icon, default=(i == 0))
         for i, p in enumerate(PAGES) if (ROOT / p.path).exists()]
page = st.navigation(pages)
classroom_toggle()
page.run()
