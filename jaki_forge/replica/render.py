"""Rendering the template with copier into an empty directory, plus the files jaki-forge writes itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jaki_forge.errors import TemplateError
from jaki_forge.profile.logo import write_assets
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
        with source.reachable(), scratch(scratch_root(os.environ.get("JAKI_FORGE_SCRATCH", "auto"))):
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
