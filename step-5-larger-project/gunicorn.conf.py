"""Gunicorn settings, taken from the environment so one image fits every host."""

import os

# All interfaces inside the container; Compose decides what the host exposes.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# From the environment: a container sees the host's CPU count, not its own share.
workers = int(os.environ.get("WORKERS", "2"))
# Gunicorn manages the processes; uvicorn serves the async app in each of them.
worker_class = "uvicorn_worker.UvicornWorker"
accesslog = "-"

# The image's user has no home and, where the platform makes the root
# filesystem read-only, nothing else is writable either: the workers'
# heartbeat files go to /dev/shm, a tmpfs every container gets by default, and
# gunicorn's control socket (for `gunicornc`, which nothing here uses) is not
# opened.
worker_tmp_dir = "/dev/shm"
control_socket_disable = True
