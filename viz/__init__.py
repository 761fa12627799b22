"""Pictures of the engine's results, as pure functions (no Streamlit): Plotly figures (`figures`: the loss
landscape's model view), and SVG text: the neuron and network diagrams (`network`) and small loss curves
(`curves`)."""
