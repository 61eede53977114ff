"""What `docker image inspect` says of an image and of its base: size, layers, healthcheck."""

from tools import docker_cli


def base_facts(base: str) -> dict:
    try:
        standin = docker_cli.is_standin(base)
    except docker_cli.DockerError:
        raise docker_cli.DockerError(
            f"the base image {base} is not present: run `tools/standins/build.sh {base}` "
            "(it pulls, or builds an offline stand-in)"
        ) from None
    return {
        "image": base,
        "standin": standin,
        "size_bytes": docker_cli.image_size(base),
        "layers": docker_cli.image_layers(base),
    }


def built_facts(tag: str) -> dict:
    healthcheck = (docker_cli.image_config(tag).get("Healthcheck") or {}).get("Test") or ["NONE"]
    return {
        "size_bytes": docker_cli.image_size(tag),
        "layers": docker_cli.image_layers(tag),
        "healthcheck": healthcheck != ["NONE"],
    }
