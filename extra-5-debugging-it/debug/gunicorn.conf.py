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


# The worker, not the master, runs the app: it starts debugpy, whose adapter
# (a child process) listens for the editor. On all interfaces inside the
# container; compose.debug.yml publishes the port on 127.0.0.1 only, for
# whoever reaches it can run any code in the app.
def post_worker_init(worker):
    debugpy.listen(("0.0.0.0", 5678))
    production_post_worker_init(worker)
