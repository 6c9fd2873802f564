"""Writes a > 2 GiB TTree file (64-bit seeks), for the big-file test. NOT committed.

Tree `big`, 600000 entries, uncompressed, 8 MiB baskets, branches:
  `entry/L`            the entry number
  `payload[1024]/F`    payload[j] = float((entry * 1024 + j) % 16777216)  (exact in float)
so a reader can check any entry without a reference file. The file is written to OUT.tmp and
renamed to OUT when complete, so an interrupted run never leaves a truncated OUT behind.

Usage: python make_big.py OUT
"""

import os
import sys

from fixture_common import ROOT, declare

ENTRIES = 600_000

declare(
    r"""
#include "TFile.h"
#include "TTree.h"
namespace hadron_fixture {
void write_big(const char *path, Long64_t entries) {
    TFile f(path, "RECREATE", "", 0);
    TTree t("big", "a tree larger than 2 GiB");
    Long64_t entry; static Float_t payload[1024];
    t.Branch("entry", &entry, "entry/L", 8 << 20);
    t.Branch("payload", payload, "payload[1024]/F", 8 << 20);
    for (entry = 0; entry < entries; ++entry) {
        for (int j = 0; j < 1024; ++j) payload[j] = (Float_t)((entry * 1024 + j) % 16777216);
        t.Fill();
    }
    t.Write();
    f.Close();
}
}
"""
)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = os.path.abspath(sys.argv[1])
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    ROOT.hadron_fixture.write_big(tmp, ENTRIES)
    size = os.path.getsize(tmp)
    if size <= 2**31:
        sys.exit(f"{tmp} is only {size} bytes")
    os.replace(tmp, out)
    print(f"{out}: {size} bytes")


if __name__ == "__main__":
    main()
