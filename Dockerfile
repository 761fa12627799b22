# Backprop Explorer, the hosted demo in a container:
#   docker build -t backprop-explorer .
#   docker run --rm -p 8501:8501 backprop-explorer      # then open http://localhost:8501
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so editing the app does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The app (what .dockerignore leaves: app.py, pages/, ui/, backprop/, .streamlit/config.toml), owned by
# root: the unprivileged user that runs it can read it but not change it.
COPY . .
# Plotly.js into static/ (served at /app/static/) while the folder is still writable
RUN python ui/static_files.py
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
USER app

EXPOSE 8501
# Streamlit answers "ok" on /_stcore/health once it serves; urllib, since the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--server.fileWatcherType=none"]
