"""scripts/deck_vendor.py: npm runs only when a package is missing; without npm the error says what to do."""

from __future__ import annotations

import json

import deck_vendor
import pytest


def _install(vendor, versions: dict) -> None:
    for package, version in versions.items():
        folder = vendor / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"version": version}))


def test_nothing_to_do_when_every_package_is_there(tmp_path, monkeypatch):
    _install(tmp_path / "vendor", deck_vendor.VENDOR_PACKAGES)
    monkeypatch.setattr(deck_vendor.shutil, "which", lambda name: pytest.fail("npm should not run"))
    assert deck_vendor.install_vendor(tmp_path) == tmp_path / "vendor"


def test_a_wrong_version_needs_npm_and_its_absence_is_explained(tmp_path, monkeypatch, capsys):
    _install(tmp_path / "vendor", {**deck_vendor.VENDOR_PACKAGES, "reveal.js": "3.9.0"})
    monkeypatch.setattr(deck_vendor.shutil, "which", lambda name: None)
    with pytest.raises(deck_vendor.VendorError, match="npm not found: install Node.js"):
        deck_vendor.install_vendor(tmp_path)
    assert deck_vendor.main(["--out", str(tmp_path)]) == 2
    assert "npm not found" in capsys.readouterr().err


def test_npm_is_asked_for_the_exact_missing_versions(tmp_path, monkeypatch):
    calls = []

    def fake_npm(cmd, **kwargs):
        calls.append(cmd)
        _install(tmp_path / "vendor", {"jquery": deck_vendor.VENDOR_PACKAGES["jquery"]})
        return deck_vendor.subprocess.CompletedProcess(cmd, 0, "", "")

    others = {p: v for p, v in deck_vendor.VENDOR_PACKAGES.items() if p != "jquery"}
    _install(tmp_path / "vendor", others)
    monkeypatch.setattr(deck_vendor.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(deck_vendor.subprocess, "run", fake_npm)
    deck_vendor.install_vendor(tmp_path)
    (cmd,) = calls
    assert cmd[:4] == ["/usr/bin/npm", "install", "--prefix", str(tmp_path / "vendor")]
    assert cmd[-1] == f"jquery@{deck_vendor.VENDOR_PACKAGES['jquery']}" and "reveal.js@4.6.1" not in cmd
