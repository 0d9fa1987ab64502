"""Reading an existing replica: its copier answers file and the profile data it records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from jaki_forge.errors import DestinationError

ANSWERS_FILE = ".copier-answers.yml"


def read_answers(path: Path) -> dict[str, Any]:
    """The copier answers recorded in the replica at `path`."""
    answers = path / ANSWERS_FILE
    if not answers.is_file():
        raise DestinationError(
            f"{path} is not a jaki-forge replica: it has no {ANSWERS_FILE}; "
            "create one with `jaki-forge new --profile PROFILE`"
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(answers.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        raise DestinationError(f"{answers} is not valid YAML ({error}); restore it from git") from None
    if not isinstance(data, dict) or "profile" not in data:
        raise DestinationError(f"{answers} records no jaki-forge profile; is {path} a jaki-forge replica?")
    return data
