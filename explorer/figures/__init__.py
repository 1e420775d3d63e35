"""Plotly figure builders, one module per page idea: pure functions of plain data.

Most return a ready spec (a plain dict, or ``spec.SpecFigure`` wrapping one) that ``st.plotly_chart``
sends without plotly's validation or deep copy; tests check every spec against ``go.Figure``.
"""
