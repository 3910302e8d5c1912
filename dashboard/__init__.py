"""The Datelines dashboard: a Streamlit app over the geo library."""
