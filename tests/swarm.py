"""A single-node swarm for a test: joined only if the engine is in none, left as found."""

import contextlib
import subprocess

from tools import docker_cli


@contextlib.contextmanager
def single_node():
    """Yields None when swarm mode runs, else the reason it cannot start."""
    created = False
    if docker_cli.docker("info", "--format", "{{.Swarm.LocalNodeState}}") != "active":
        try:
            docker_cli.docker("swarm", "init", "--advertise-addr", "127.0.0.1", timeout=60)
            created = True
        except (docker_cli.DockerError, subprocess.TimeoutExpired) as error:
            yield f"swarm mode cannot start on this engine: {error}"
            return
    try:
        yield None
    finally:
        if created:
            docker_cli.docker("swarm", "leave", "--force", check=False, timeout=60)
            # Swarm's bridge to the host outlives the swarm; nothing else uses it.
            docker_cli.docker("network", "rm", "docker_gwbridge", check=False)


class Stack:
    def __init__(self, folder, name: str):
        self.folder, self.name = folder, name

    def deploy(self, stack_file: str, image: str) -> None:
        # Local images: no registry to ask for a digest on a one-node swarm.
        deploy = subprocess.run(
            ["docker", "stack", "deploy", "--compose-file", stack_file, "--resolve-image", "never", self.name],
            cwd=self.folder, env={**docker_cli.ENV, "IMAGE": image}, capture_output=True, text=True, timeout=120,
        )
        assert deploy.returncode == 0, f"`docker stack deploy` failed:\n{deploy.stderr}"

    def wait_for_update(self, service: str, timeout: float = 180) -> str:
        """The update's end state: completed, rollback_completed, or a paused one."""

        def ended() -> str | None:
            state = docker_cli.docker(
                "service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
                f"{self.name}_{service}", check=False,
            )
            return state if state in ("completed", "rollback_completed", "paused", "rollback_paused") else None

        return docker_cli.wait_for(ended, f"the end of {service}'s update", timeout)

    def logs(self, service: str) -> str:
        """The service's task logs, stopped tasks' included; the tasks' stderr comes on the CLI's stderr."""
        logs = subprocess.run(
            ["docker", "service", "logs", "--raw", f"{self.name}_{service}"],
            env=docker_cli.ENV, capture_output=True, text=True, timeout=120,
        )
        assert logs.returncode == 0 and logs.stdout + logs.stderr, f"no logs of {service}'s tasks: {logs.stderr}"
        return logs.stdout + logs.stderr

    def remove(self) -> None:
        docker_cli.docker("stack", "rm", self.name, check=False)
        # Its networks go once the tasks are gone.
        networks = ("network", "ls", "--quiet", "--filter", f"label=com.docker.stack.namespace={self.name}")
        with contextlib.suppress(docker_cli.TimedOut):  # a later run's stack has another name
            docker_cli.wait_for(lambda: not docker_cli.docker(*networks), "the stack's networks gone", 60, interval=1)
