"""Plotly figure builders: pure functions that return ``go.Figure``; one module per page idea."""
