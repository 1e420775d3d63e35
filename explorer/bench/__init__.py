"""`python -m explorer bench` and the load client: measure the app as a class uses it.

cli: the command and its figure groups; report: the table; server: the one `streamlit run`
launcher and Chromium lookup (the browser tests use it too); apptest: rerun timings; browser:
Chromium timings; floor_page: the bare page every figure is compared with; load and loadtest*:
N websocket sessions speaking Streamlit's protocol. These modules may import streamlit.
"""
