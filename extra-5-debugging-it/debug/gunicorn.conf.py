"""The app's gunicorn settings, and a debugger in its one worker (compose.debug.yml)."""

import runpy

import debugpy

# Everything the app's own gunicorn.conf.py sets, hooks included.
globals().update(runpy.run_path("/app/gunicorn.conf.py"))

# One worker, so the editor attaches to the process that answers; no timeout,
# so the master does not kill that worker while a breakpoint holds it.
workers = 1
timeout = 0

production_post_worker_init = post_worker_init  # noqa: F821 (set by run_path above)


# The worker, not the master, runs the app: it listens for the editor. All
# interfaces inside the container; compose.debug.yml publishes the port on
# 127.0.0.1 only, for debugpy runs whatever code the client sends it.
def post_worker_init(worker):
    debugpy.listen(("0.0.0.0", 5678))
    production_post_worker_init(worker)
