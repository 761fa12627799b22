"""AppTest's entry script: runs app.py from here.

Streamlit treats a main script that has a `pages/` folder beside it as a legacy multipage app until
st.navigation has run once in the process; AppTest resets that flag before every run, so reruns would
execute the page file alone. Run from tests/ (no pages/ beside it), app.py behaves as in the server.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
