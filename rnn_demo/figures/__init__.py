"""Plotly figure builders: they take arrays or results and return figures, and never call Streamlit."""
