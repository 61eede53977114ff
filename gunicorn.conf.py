"""Gunicorn settings, taken from the environment so one image fits every host."""

import os

# All interfaces inside the container; Compose decides what the host exposes.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# From the environment: a container sees the host's CPU count, not its own share.
workers = int(os.environ.get("WORKERS", "2"))
# Gunicorn manages the processes and, with its own ASGI worker, serves the async
# app in each of them: uvloop's event loop and gunicorn-h1c's parser, as both are
# installed. Its limits on request lines and headers apply, and a worker that
# retires finishes every connection it has accepted.
worker_class = "asgi"
# No access log: a line per request, through Docker's log driver, costs more
# than the request itself at full speed, and the proxy or ingress in front
# logs requests anyway. GUNICORN_CMD_ARGS=--access-logfile=- turns it on, as
# the dev loop (compose.dev.yml) does.

# The image's user has no home and, where the platform makes the root
# filesystem read-only, nothing else is writable either: the workers'
# heartbeat files go to /dev/shm, a tmpfs every container gets, and gunicorn's
# control socket (for `gunicornc`, which no container uses) is not opened.
worker_tmp_dir = "/dev/shm"
control_socket_disable = True

# In-flight requests get this long after SIGTERM; it stays below the 10 s Docker
# (and the compose file's stop_grace_period) waits before SIGKILL, so a stop
# ends with every accepted request answered.
graceful_timeout = 8
# A worker retires after this many requests (plus up to 10 % jitter, so the
# workers do not all restart at once) and the master starts a fresh one: a slow
# leak never grows without bound. At full speed a worker serves thousands a
# second, so the limit is a million: a recycle every few minutes, not seconds.
max_requests = int(os.environ.get("MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 10
