"""Shared helpers of the fixture generators in testdata/ (run with the peers venv's python).

Every generator is deterministic: data come from a fixed-seed xorshift generator written in C++
(so values do not depend on a library's random distribution), and ROOT's file timestamps and
UUIDs are the only bytes that change between runs.
"""

import os
import sys
import warnings

warnings.filterwarnings("ignore", message="(?s).*alpha stage")

import ROOT  # noqa: E402

ROOT.gROOT.SetBatch(True)
ROOT.gErrorIgnoreLevel = ROOT.kWarning

HERE = os.path.dirname(os.path.abspath(__file__))

# A tiny deterministic generator shared by the C++ fill functions of all generators.
ROOT.gInterpreter.Declare(
    r"""
#ifndef HADRON_FIXTURE_RNG
#define HADRON_FIXTURE_RNG
#include <cstdint>
#include <cmath>
namespace hadron_fixture {
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 1) {}
    uint64_t next() { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
    // uniform in [0, n)
    uint64_t below(uint64_t n) { return next() % n; }
    // uniform in [lo, hi) on a grid of 1/16, so values are exact in float and compress well
    double grid(double lo, double hi) { return lo + std::floor((hi - lo) * 16.0 * (next() % 1000003) / 1000003.0) / 16.0; }
    // a rough exponential, e.g. transverse momenta
    double expo(double mean) { return -mean * std::log(1.0 - (next() % 1000003) / 1000004.0); }
};
}
#endif
"""
)


def out_path(*parts):
    """Absolute path of a fixture inside testdata/, creating its folder."""
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def declare(code):
    """Compiles C++ code with cling, failing loudly."""
    if not ROOT.gInterpreter.Declare(code):
        sys.exit("cling could not compile the fixture code")
