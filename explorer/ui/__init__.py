"""The only package (besides pages/ and explorer.bench) that imports streamlit."""
