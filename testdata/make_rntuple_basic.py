"""testdata/rntuple_basic.root: an RNTuple `ntuple` written with ROOT 6.40's RNTupleWriter.

1000 entries in 4 clusters (a cluster committed every 250 entries), zstd-5, fields:
  flat     `i32` int32, `u64` uint64, `f32` float, `f64` double, `flag` bool, `str` std::string
  vector   `vf` std::vector<float>, `vs` std::vector<std::string>
  nested   `vvi` std::vector<std::vector<int>>, `arr` std::array<float, 3>,
           `pair` std::pair<int, double>, `vpair` std::vector<std::pair<float, int>>

Usage: python make_rntuple_basic.py
"""

from fixture_common import ROOT, declare, out_path

ENTRIES = 1000
CLUSTER = 250

declare(
    r"""
#include <array>
#include <string>
#include <utility>
#include <vector>
#include <ROOT/RNTupleModel.hxx>
#include <ROOT/RNTupleWriteOptions.hxx>
#include <ROOT/RNTupleWriter.hxx>
namespace hadron_fixture {
void write_rntuple_basic(const std::string &path, int entries, int cluster, uint64_t seed) {
    auto model = ROOT::RNTupleModel::Create();
    auto i32 = model->MakeField<std::int32_t>("i32");
    auto u64 = model->MakeField<std::uint64_t>("u64");
    auto f32 = model->MakeField<float>("f32");
    auto f64 = model->MakeField<double>("f64");
    auto flag = model->MakeField<bool>("flag");
    auto str = model->MakeField<std::string>("str");
    auto vf = model->MakeField<std::vector<float>>("vf");
    auto vs = model->MakeField<std::vector<std::string>>("vs");
    auto vvi = model->MakeField<std::vector<std::vector<int>>>("vvi");
    auto arr = model->MakeField<std::array<float, 3>>("arr");
    auto pair = model->MakeField<std::pair<int, double>>("pair");
    auto vpair = model->MakeField<std::vector<std::pair<float, int>>>("vpair");
    ROOT::RNTupleWriteOptions options;
    options.SetCompression(505);
    auto writer = ROOT::RNTupleWriter::Recreate(std::move(model), "ntuple", path, options);
    Rng r(seed);
    for (int e = 0; e < entries; ++e) {
        *i32 = (std::int32_t)r.below(2000000) - 1000000;
        *u64 = r.next();
        *f32 = (float)r.grid(-50, 50);
        *f64 = r.grid(-1e4, 1e4) + 1.0 / 3;
        *flag = r.below(2) == 1;
        *str = (e % 4 == 0) ? std::string() : "row " + std::to_string(e);
        vf->clear();
        for (uint64_t k = 0, n = r.below(5); k < n; ++k) vf->push_back((float)r.grid(0, 10));
        vs->clear();
        for (uint64_t k = 0, n = r.below(3); k < n; ++k) vs->push_back(std::string(1 + r.below(5), 'a' + (char)k));
        vvi->clear();
        for (uint64_t k = 0, n = r.below(3); k < n; ++k) {
            vvi->emplace_back();
            for (uint64_t j = 0, m = r.below(4); j < m; ++j) vvi->back().push_back((int)r.below(100));
        }
        for (auto &x : *arr) x = (float)r.grid(-1, 1);
        *pair = {(int)r.below(10), r.grid(0, 1)};
        vpair->clear();
        for (uint64_t k = 0, n = r.below(3); k < n; ++k) vpair->emplace_back((float)r.grid(0, 5), (int)k);
        writer->Fill();
        if ((e + 1) % cluster == 0) writer->CommitCluster();
    }
}
}
"""
)


def main():
    path = out_path("rntuple_basic.root")
    ROOT.hadron_fixture.write_rntuple_basic(path, ENTRIES, CLUSTER, 99)
    print(path)


if __name__ == "__main__":
    main()
