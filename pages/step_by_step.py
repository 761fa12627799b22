import streamlit as st; st.write("step page")
