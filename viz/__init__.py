"""Pictures of the engine's results: Plotly figures (`figures`) and the computation graph as Graphviz DOT
(`graph`). Pure functions of traces, trajectories and surfaces; no Streamlit."""
