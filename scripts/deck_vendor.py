"""The JavaScript the slide decks load, installed once from the npm registry for offline use.

reveal.js 4, MathJax 2.7, require.js and jQuery go into ``slides/vendor/node_modules`` (exact
versions, so a rebuilt classroom copy looks the same); the decks load them from there, so a
classroom without internet can show them. `make slides` installs them on its first run.

    python scripts/deck_vendor.py            # into slides/vendor (nothing to do when present)
    python scripts/deck_vendor.py --out DIR  # into DIR/vendor
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLIDES_DIR = ROOT / "slides"

# npm packages the decks load (exact versions: a rebuilt classroom copy looks the same).
VENDOR_PACKAGES = {
    "reveal.js": "4.6.1",
    "mathjax": "2.7.9",
    "requirejs": "2.3.8",
    "jquery": "3.7.1",
}


class VendorError(RuntimeError):
    """npm is missing or did not install the packages; the message says what to do."""


def vendor_dir(out_dir: Path) -> Path:
    return Path(out_dir) / "vendor"


def installed_version(vendor: Path, package: str) -> str | None:
    """The version of ``package`` in ``vendor/node_modules``, or None when it is not there."""
    try:
        return json.loads((vendor / "node_modules" / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def install_vendor(out_dir: Path = SLIDES_DIR) -> Path:
    """reveal.js, MathJax, require.js and jQuery from the npm registry into ``out_dir/vendor`` (once)."""
    vendor = vendor_dir(out_dir)
    missing = [f"{p}@{v}" for p, v in VENDOR_PACKAGES.items() if installed_version(vendor, p) != v]
    if not missing:
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm not found: install Node.js (npm) to fetch reveal.js and MathJax for the decks")
    vendor.mkdir(parents=True, exist_ok=True)
    print(f"installing {', '.join(missing)} into {vendor}", flush=True)
    cmd = [npm, "install", "--prefix", str(vendor), "--no-save", "--no-package-lock"]
    cmd += ["--no-audit", "--no-fund", "--loglevel=error", *missing]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise VendorError(f"npm install failed:\n{result.stdout}{result.stderr}")
    still = [p for p, v in VENDOR_PACKAGES.items() if installed_version(vendor, p) != v]
    if still:
        raise VendorError(f"npm did not install {still} into {vendor}")
    return vendor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SLIDES_DIR, help="deck folder (default: slides/)")
    args = parser.parse_args(argv)
    try:
        print(install_vendor(args.out))
    except VendorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
