"""Rendering the template with copier into an empty directory, plus the files jaki-forge writes itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jaki_forge.errors import TemplateError
from jaki_forge.profile.logo import write_assets
from jaki_forge.replica.copier_tuning import tuned
from jaki_forge.replica.scratch import scratch, scratch_root
from jaki_forge.replica.source import TemplateSource


def render_tree(data: dict[str, Any], target: Path, source: TemplateSource) -> list[str]:
    """Render `source` at its ref with the answers `data` into the empty directory `target`.

    copier renders the text files; jaki-forge then writes the logo and its icons from the payload
    (`profile.logo.write_assets`), so a render is the same bytes wherever it is made. Returns the
    template's `_skip_if_exists` patterns (files an update must leave to the replica).
    """
    from copier import run_copy
    from copier.errors import CopierError
    from plumbum import ProcessExecutionError

    try:
        with source.reachable(), scratch(scratch_root(os.environ.get("JAKI_FORGE_SCRATCH", "auto"))), tuned():
            worker = run_copy(
                source.url,
                target,
                data=data,
                vcs_ref=source.ref,
                defaults=True,
                overwrite=True,
                quiet=True,
                cleanup_on_error=False,
                skip_tasks=True,
            )
            skip = [str(pattern) for pattern in worker.template.skip_if_exists]
    except CopierError as error:
        raise TemplateError(f"copier could not render the template from {source.url}: {error}") from None
    except ValueError as error:  # copier's word for a version the template does not have
        raise TemplateError(
            f"cannot render version {source.ref!r} of the template {source.url}: {error}; "
            "check --vcs-ref (`git tag` in the template lists its versions)"
        ) from None
    except ProcessExecutionError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        raise TemplateError(
            f"git failed while reading the template from {source.url}: {detail[-1] if detail else error}; "
            "check --template and --vcs-ref"
        ) from None
    write_assets(target, data["profile"])
    return skip


def render_trees(jobs: list[tuple[dict[str, Any], Path, TemplateSource]]) -> list[list[str]]:
    """Render several trees at once: all but the last in forked child processes, the last here.

    The two renders of an update are independent and each keeps one core busy (Jinja and file writes), so on a
    machine with more than one core they run side by side. Returns each render's `_skip_if_exists` patterns.
    """
    if len(jobs) < 2 or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return [render_tree(*job) for job in jobs]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children = []
    for job in jobs[:-1]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_render_child, args=(job, send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    try:
        last = render_tree(*jobs[-1])
        results = []
        for child, receive in children:
            try:
                outcome = receive.recv()
            except EOFError:
                outcome = ("error", "the render process ended without a result")
            child.join()
            if outcome[0] == "error":
                raise TemplateError(outcome[1])
            results.append(outcome[1])
    finally:
        for child, _ in children:
            if child.is_alive():
                child.terminate()
                child.join()
    return [*results, last]


def _render_child(job: tuple[dict[str, Any], Path, TemplateSource], send: Any) -> None:
    try:
        send.send(("ok", render_tree(*job)))
    except TemplateError as error:
        send.send(("error", str(error)))
    except BaseException as error:  # report, never raise into multiprocessing's own handler
        send.send(("error", f"rendering failed: {type(error).__name__}: {error}"))
    finally:
        send.close()
