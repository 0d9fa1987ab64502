"""The JUnit XML report of `fleet test`, for CI systems."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from jaki_forge.fleet.test import ERROR, FAILED, FleetTestReport


def junit_xml(report: FleetTestReport) -> str:
    """The report as JUnit XML: a test suite per profile with its render, install and the replica's own tests."""
    root = ET.Element("testsuites", name="jaki-forge fleet test", time=f"{report.seconds:.3f}")
    for result in report.results:
        suite = ET.SubElement(root, "testsuite", name=result.name, timestamp=report.started)
        cases = 0
        failures = errors = skipped = 0

        def case(name: str, classname: str, seconds: float | str = 0, suite: ET.Element = suite) -> ET.Element:
            nonlocal cases
            cases += 1
            return ET.SubElement(suite, "testcase", classname=classname, name=name, time=str(seconds))

        prefix = f"fleet.{result.name}"
        for step in ("render", "install"):
            element = case(step, prefix, result.seconds.get(step, 0))
            if result.status == ERROR and result.stage == step:
                ET.SubElement(element, "error", message=result.message).text = result.output
                errors += 1
                break
        if result.status == ERROR and result.stage not in ("render", "install"):
            element = case(result.stage or "worker", prefix)
            ET.SubElement(element, "error", message=result.message).text = result.output
            errors += 1
        elif result.status != ERROR:
            for entry in result.cases:
                element = case(entry["name"], f"{prefix}.{entry['classname']}", entry["time"])
                for kind in ("failure", "error", "skipped"):
                    if kind in entry:
                        ET.SubElement(element, kind, message=entry[kind]["message"]).text = entry[kind]["text"]
                        failures += kind == "failure"
                        errors += kind == "error"
                        skipped += kind == "skipped"
            if result.status == FAILED and not (result.failures or result.errors):
                element = case("tests", prefix, result.seconds.get("tests", 0))
                ET.SubElement(element, "failure", message=result.message).text = result.output
                failures += 1
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", str(skipped))
        suite.set("time", f"{sum(result.seconds.values()):.3f}")
        properties = ET.Element("properties")
        properties.append(ET.Element("property", name="profile", value=result.profile))
        suite.insert(0, properties)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(report: FleetTestReport, path: Path) -> Path:
    """Write the JUnit XML report to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(report), encoding="utf-8")
    return path
