"""Regenerate samples/: a few synthetic Arabic record scans of fictional people.

.venv/bin/python scripts/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.synth import degrade, make_page, render_page, write_pdf, write_tiff  # noqa: E402


def main() -> None:
    out = ROOT / "samples"
    out.mkdir(exist_ok=True)
    register = render_page(make_page(101, "prison_register", digits="western"), seed=101, font="dejavu")
    register.save(out / "register-page.png", optimize=True)
    court = render_page(make_page(102, "court_record", digits="eastern"), seed=102, font="dejavu")
    death = render_page(make_page(103, "death_report", digits="western"), seed=103, font="amiri")
    write_pdf([court, death], out / "court-and-death-report.pdf")
    transfer = render_page(make_page(104, "transfer_list", digits="mixed"), seed=104, font="dejavu")
    transfer, _ = degrade(transfer, "combo", seed=104)
    transfer.convert("L").save(out / "transfer-list-scan.jpg", quality=70, dpi=(300, 300))
    pages = [render_page(make_page(105 + i, "death_report"), seed=105 + i, font="dejavu") for i in range(2)]
    write_tiff(pages, out / "death-reports.tiff")
    for f in sorted(out.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
