"""The wheel installs one top-level package, ``analyzer``, with rules, reports and schemas."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_holds_only_analyzer_with_its_data(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
         str(REPO)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    [wheel] = tmp_path.glob("seamline-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"analyzer"}  # no top-level rules/ or reports/ package
    for folder in ("rules", "reports"):
        shipped = sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts)
        assert shipped, f"{folder}/ is empty"
        for rel in shipped:
            assert f"analyzer/{rel}" in names, f"{rel} missing from the wheel"
    assert "analyzer/schemas/analysis.schema.json" in names
    assert "analyzer/reports/templates/index.html.j2" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "seamline = analyzer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
