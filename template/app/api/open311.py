"""Open311 GeoReport v2 formats: JSON or XML bodies and the spec's error documents."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

FORMATS = ("json", "xml")
XML_MEDIA_TYPE = "text/xml; charset=utf-8"
_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    """An error answered as `[{"code": ..., "description": ...}]` or `<errors>`."""

    def __init__(self, status_code: int, description: str, fmt: str = "json") -> None:
        super().__init__(description)
        self.status_code = status_code
        self.description = description
        self.fmt = fmt if fmt in FORMATS else "json"


def check_format(fmt: str) -> str:
    """Accept `json` or `xml`; anything else is a 404 in JSON."""
    if fmt not in FORMATS:
        raise Open311Error(404, f"Format {fmt!r} is not supported; use json or xml.")
    return fmt


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = _ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root_tag: str, content: Any) -> bytes:
    """Serialise dicts and lists under `root_tag`; list items get the spec's singular tags."""
    root = ET.Element(root_tag)
    _fill(root, content)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def media_type(fmt: str) -> str:
    """The Content-Type of a body in format `fmt`."""
    return XML_MEDIA_TYPE if fmt == "xml" else "application/json"


def render(fmt: str, root_tag: str, content: Any) -> bytes:
    """`content` as JSON, or as XML under `root_tag`."""
    return to_xml(root_tag, content) if fmt == "xml" else orjson.dumps(content)


def respond(fmt: str, root_tag: str, content: Any, *, status_code: int = 200) -> Response:
    """A JSON or XML response carrying `content`."""
    return Response(render(fmt, root_tag, content), status_code, media_type=media_type(fmt))


async def open311_error_handler(request: Request, error: Exception) -> Response:
    """Render an Open311Error in the requested format."""
    assert isinstance(error, Open311Error)
    errors = [{"code": error.status_code, "description": error.description}]
    return respond(error.fmt, "errors", errors, status_code=error.status_code)
