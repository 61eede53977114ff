"""Gunicorn settings, taken from the environment so one image fits every host."""

import asyncio
import os
import queue
import signal
import sys

# All interfaces inside the container; Compose decides what the host exposes.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# From the environment: a container sees the host's CPU count, not its own share.
workers = int(os.environ.get("WORKERS", "2"))
# Gunicorn manages the processes and, with its own ASGI worker, serves the async
# app in each of them on uvloop's event loop, as it is installed, with gunicorn's
# own HTTP parser. Its limits on request lines and headers apply, and a worker
# that retires answers every request in progress, then closes its connections.
worker_class = "asgi"
# No access log: a line per request, through Docker's log driver, is work for
# every request; a proxy or ingress in front, where there is one, can log them.
# GUNICORN_CMD_ARGS=--access-logfile=- turns it on, as the dev loop
# (compose.dev.yml) does.

# The image's user has no home and, where the platform makes the root
# filesystem read-only, nothing else is writable either: the workers'
# heartbeat files go to /dev/shm, a tmpfs every container gets by default, and
# gunicorn's control socket (for `gunicornc`, which nothing here uses) is not
# opened.
worker_tmp_dir = "/dev/shm"
control_socket_disable = True

# In-flight requests get this long after SIGTERM; it stays below the 10 s Docker
# (and the compose file's stop_grace_period) waits before SIGKILL, so a stop
# ends with every accepted request that finishes within it answered.
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
        return
    loop.add_signal_handler(signal.SIGTERM, stop_now, worker)
    loop.call_soon(signal.pthread_sigmask, signal.SIG_UNBLOCK, STOP_SIGNALS)


# The ASGI worker's main loop looks for a stop only once a second (it sleeps a
# whole second between heartbeats), so an idle stop waited up to that long.
# stop_now takes over the worker's SIGTERM handler: it calls gunicorn's, then
# wakes that sleep, and the worker runs its graceful shutdown at once. It wakes
# it only once every listener serves, when the sleep is the one thing the
# worker waits on; during start-up the loop's first check sees the stop.
def stop_now(worker):
    running = worker.alive
    worker.handle_exit_signal()  # first: whatever follows, the stop is not lost
    if running and len(worker.servers) == len(worker.sockets):
        for task in asyncio.all_tasks(worker.loop):
            if task.get_coro().__name__ == "_serve":
                task.cancel()


# A leaving worker, its requests answered and (on SIGTERM) the app's lifespan
# shutdown run, would still tear its interpreter down, module by module, before
# the master sees it go. It leaves at once instead, with the exit code gunicorn
# gave it, its output flushed. Handlers registered with `atexit` do not run:
# an app that must flush something on exit does it in its lifespan shutdown.
def worker_exit(server, worker):
    leaving = sys.exc_info()[1]  # in the worker, gunicorn calls this as its SystemExit propagates
    if os.getpid() != worker.pid or not isinstance(leaving, SystemExit):
        return  # the master (it reports a worker it found gone), or not gunicorn's exit
    code = leaving.code
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code & 0xFF if isinstance(code, int) else int(code is not None))
