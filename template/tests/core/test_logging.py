"""JSON log lines carry the message and extra fields."""

from __future__ import annotations

import json
import logging

from app.core.logging import JsonFormatter


def test_json_formatter_includes_extra_fields() -> None:
    record = logging.makeLogRecord(
        {
            "name": "app.test",
            "levelname": "INFO",
            "msg": "hello %s",
            "args": ("world",),
            "path": "/x",
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello world"
    assert entry["logger"] == "app.test"
    assert entry["level"] == "INFO"
    assert entry["path"] == "/x"
    assert "time" in entry
