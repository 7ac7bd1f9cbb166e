#!/usr/bin/env python3
"""Adds lock entries for cbor-extract's optional platform packages.

The registry reachable here lacks them, so `npm install` leaves them out of
package-lock.json and `npm ci` then refuses the lock as out of sync. With the
entries present, `npm ci` tries them, skips them as failed optional
dependencies, and cbor-x uses its pure-JS path. Run after `npm install`.
"""
import json

PLATFORMS = {
    "darwin-arm64": ("darwin", "arm64"),
    "darwin-x64": ("darwin", "x64"),
    "linux-arm": ("linux", "arm"),
    "linux-arm64": ("linux", "arm64"),
    "linux-x64": ("linux", "x64"),
    "win32-x64": ("win32", "x64"),
}

with open("package-lock.json") as f:
    lock = json.load(f)
packages = lock["packages"]
version = packages["node_modules/cbor-extract"]["version"]
for name, (os_name, cpu) in PLATFORMS.items():
    packages.setdefault(f"node_modules/@cbor-extract/cbor-extract-{name}", {
        "version": version,
        "cpu": [cpu],
        "license": "MIT",
        "optional": True,
        "os": [os_name],
    })
with open("package-lock.json", "w") as f:
    json.dump(lock, f, indent=2)
    f.write("\n")
