"""Gunicorn settings, taken from the environment so one image fits every host."""

import os

# All interfaces inside the container; Compose decides what the host exposes.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# From the environment: a container sees the host's CPU count, not its own share.
workers = int(os.environ.get("WORKERS", "2"))
# Gunicorn manages the processes; uvicorn serves the async app in each of them.
worker_class = "uvicorn_worker.UvicornWorker"
accesslog = "-"
