"""The one table of Athar's Prefect deployments.

``flows/serve.py`` builds its served deployments from :data:`DEPLOYMENTS`, and ``prefect.yaml``
(deployments on a process work pool, for production) is written from it:

    python -m flows.deployments --write     # regenerate prefect.yaml
    python -m flows.deployments --check     # exit 1 if prefect.yaml differs from the table

Parameters are ids, keys and flags only; settings are read inside each run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from athar.settings import PROJECT_ROOT

WORK_POOL = "athar-process"
PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


@dataclass(frozen=True)
class Deployment:
    """One deployment: a flow, its default parameters, schedule, concurrency and job environment."""

    name: str
    entrypoint: str  # "flows/<module>.py:<flow function>", relative to the repository root
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    interval: float | None = None  # seconds between scheduled runs on a work pool; None: on demand
    concurrency_limit: int | None = None
    env: dict[str, str] = field(default_factory=dict)  # job variables of the work-pool worker
    served_interval: bool = False  # `flows.serve --interval/--watch-on-demand` replace the schedule

    def flow(self) -> Any:
        """The Prefect flow object the entrypoint names."""
        path, _, attr = self.entrypoint.partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return getattr(module, attr)


WATCH_INTERVAL = 30.0  # seconds: the work pool's schedule; `athar up` runs a watcher every 5 s instead
VERIFY_INTERVAL = 24 * 3600.0  # a fixity check every day ...
VERIFY_SAMPLE = 0.1  # ... of a random tenth of the originals (`athar verify` checks them all)

DEPLOYMENTS: tuple[Deployment, ...] = (
    Deployment(
        name="athar-watch",
        entrypoint="flows/watch.py:watch_bucket",
        description="Take new scans from the watched bucket into the originals store and process them.",
        interval=WATCH_INTERVAL,
        concurrency_limit=1,
        env={"OMP_THREAD_LIMIT": "1"},
        served_interval=True,
    ),
    Deployment(
        name="athar-process",
        entrypoint="flows/process.py:process_document",
        description="Process one stored document (by sha256); all_pages=true re-recognises every page.",
    ),
    Deployment(
        name="athar-work",
        entrypoint="flows/work.py:work_pending",
        description="A worker's run (ATHAR_FANOUT=workers): claim pending documents and process them.",
        interval=WATCH_INTERVAL,
        env={"OMP_THREAD_LIMIT": "1"},
    ),
    Deployment(
        name="athar-reprocess",
        entrypoint="flows/reprocess.py:reprocess",
        description="Re-run documents, low-confidence pages or an older pipeline version's output.",
    ),
    Deployment(
        name="athar-verify",
        entrypoint="flows/verify.py:verify",
        description="Fixity: re-hash a random tenth of the stored originals (sample=null: all); "
        "fails naming every original that is missing or altered.",
        parameters={"sample": VERIFY_SAMPLE},
        interval=VERIFY_INTERVAL,
        concurrency_limit=1,
    ),
)

HEADER = """\
# Prefect deployments of Athar's flows on a process work pool.
# Written by `python -m flows.deployments --write` from flows/deployments.py: edit the table there.
#
#   prefect work-pool create athar-process --type process
#   prefect deploy --all              # from the repository root
#   prefect worker start --pool athar-process
#
# Every worker machine needs the repository at the same path with `make setup` done, and the
# same ATHAR_* environment (ATHAR_INBOX=s3://..., ATHAR_S3_*, ATHAR_SEARCH_URL, ATHAR_DATA_DIR on
# storage shared by the workers). `athar up` does the local equivalent with `flows.serve`.
"""


def _yaml_entry(d: Deployment) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": d.name,
        "entrypoint": d.entrypoint,
        "description": d.description,
        "enforce_parameter_schema": False,
    }
    if d.parameters:
        entry["parameters"] = dict(d.parameters)
    if d.concurrency_limit is not None:
        entry["concurrency_limit"] = d.concurrency_limit
    if d.interval is not None:
        entry["schedules"] = [{"interval": int(d.interval) if d.interval.is_integer() else d.interval}]
    pool: dict[str, Any] = {"name": WORK_POOL}
    if d.env:
        pool["job_variables"] = {"env": dict(d.env)}
    entry["work_pool"] = pool
    return entry


def prefect_yaml() -> str:
    """The text of ``prefect.yaml`` for :data:`DEPLOYMENTS`."""
    import yaml

    spec = {
        "name": "athar",
        "prefect-version": "3.4.0",
        "pull": [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $ATHAR_REPO }}"}}],
        "deployments": [_yaml_entry(d) for d in DEPLOYMENTS],
    }
    body = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=110)
    return HEADER + body


def runner_deployments(interval: float | None = WATCH_INTERVAL) -> list[Any]:
    """RunnerDeployments for `prefect serve`: the watch every ``interval`` s (None: on demand), the
    others on their own schedule."""
    built = []
    for d in DEPLOYMENTS:
        built.append(
            d.flow().to_deployment(
                name=d.name,
                interval=(interval if d.served_interval else d.interval) if d.interval is not None else None,
                concurrency_limit=d.concurrency_limit,
                parameters=dict(d.parameters) or None,
                enforce_parameter_schema=False,
                description=d.description,
            )
        )
    return built


def main(argv: list[str] | None = None) -> int:
    """``--write`` regenerates prefect.yaml; ``--check`` says whether it matches the table."""
    parser = argparse.ArgumentParser(prog="python -m flows.deployments")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="write prefect.yaml from the table")
    group.add_argument("--check", action="store_true", help="exit 1 if prefect.yaml differs")
    args = parser.parse_args(argv)
    text = prefect_yaml()
    if args.write:
        Path(PREFECT_YAML).write_text(text, encoding="utf-8")
        return 0
    if Path(PREFECT_YAML).read_text(encoding="utf-8") != text:
        print("prefect.yaml differs from flows/deployments.py; run `python -m flows.deployments --write`.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
