"""Peer for tests/tree_meta.rs: the TStreamerInfo records of ROOT files as uproot reads them (JSON on stdout).

Usage: python streamers.py FILE.root...

Output: {file: {"classes": {"Class;version": [[element class, fName, fType, fTypeName, fArrayLength], ...]},
                "error": str|null}}
"""

import json
import sys

import uproot


def file_streamers(path):
    out = {"classes": {}, "error": None}
    try:
        with uproot.open(path) as f:
            for name, versions in f.file.streamers.items():
                for version, info in versions.items():
                    out["classes"][f"{name};{version}"] = [
                        [
                            e.classname,
                            e.member("fName"),
                            int(e.member("fType")),
                            e.member("fTypeName"),
                            int(e.member("fArrayLength")),
                        ]
                        for e in info.member("fElements")
                    ]
    except Exception as err:  # noqa: BLE001 - reported to the Rust side
        out["error"] = f"{type(err).__name__}: {err}"
    return out


if __name__ == "__main__":
    json.dump({path: file_streamers(path) for path in sys.argv[1:]}, sys.stdout)
