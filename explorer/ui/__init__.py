"""The shared Streamlit pieces and one room per page that needs more than its page file.

With explorer.bench and pages/, the only code that may import streamlit (tests/test_import_rule.py).
"""
