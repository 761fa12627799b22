"""Pictures of the engine's results, as pure functions (no Streamlit): Plotly figures (`figures`: the loss
landscape's model view, loss curves) and the network diagram as Graphviz DOT (`network`)."""
