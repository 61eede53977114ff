"""Gunicorn settings, taken from the environment so one image fits every host."""

import os
import queue
import signal

# All interfaces inside the container; Compose decides what the host exposes.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# From the environment: a container sees the host's CPU count, not its own share.
workers = int(os.environ.get("WORKERS", "2"))
# Gunicorn manages the processes and, with its own ASGI worker, serves the async
# app in each of them on uvloop's event loop, as it is installed, with gunicorn's
# own HTTP parser. Its limits on request lines and headers apply, and a worker
# that retires answers every request in progress, then closes its connections.
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

# A stop signal that reaches a worker while it boots would be lost: until the
# worker sets its own handlers it runs the master's, and its event loop sees a
# signal only once it runs. Lost, the stop waits out graceful_timeout. So a new
# worker holds stop signals back (a held signal stays pending) and takes them
# once its loop runs: a stop during boot ends the worker as soon as it can.
# https://docs.gunicorn.org/en/stable/settings.html#server-hooks
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT}


def post_fork(server, worker):
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    # What the master's handler queued, before the fork or since, sent again to wait.
    while True:
        try:
            received = server.SIG_QUEUE.get_nowait()
        except queue.Empty:
            break
        if received in STOP_SIGNALS:
            os.kill(os.getpid(), received)


def post_worker_init(worker):
    loop = getattr(worker, "loop", None)  # the ASGI worker's; uvicorn's has none yet
    if loop is None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    else:
        loop.call_soon(signal.pthread_sigmask, signal.SIG_UNBLOCK, STOP_SIGNALS)
