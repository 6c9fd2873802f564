"""Writes a small RNTuple with ROOT itself (the peer writer) covering types the scikit-hep files lack:
std::optional, std::unique_ptr, std::variant, std::array, std::map, std::tuple, std::pair, std::bitset,
vectors of strings / vectors / bools, small integer types, NaN, several clusters with small pages, and
fields added after the first entries (schema extension → deferred columns).

Usage: rntuple_write_cases.py OUT.root COMPRESSION   (COMPRESSION: ROOT setting, 0 = uncompressed, 505 = zstd)
The file is written to a temporary folder by the test and never committed.
"""

import sys, ROOT
code = r'''
#include <ROOT/RNTupleModel.hxx>
#include <ROOT/RNTupleWriter.hxx>
#include <ROOT/RNTupleWriteOptions.hxx>
#include <optional>
#include <variant>
#include <array>
#include <map>
#include <tuple>
#include <bitset>
#include <memory>
#include <string>
#include <vector>
void hadron_write_cases(const char *path, int compression) {
   auto model = ROOT::RNTupleModel::Create();
   auto i8 = model->MakeField<std::int8_t>("i8");
   auto u16 = model->MakeField<std::uint16_t>("u16");
   auto i64 = model->MakeField<std::int64_t>("i64");
   auto d = model->MakeField<double>("d");
   auto b = model->MakeField<bool>("b");
   auto opt = model->MakeField<std::optional<float>>("opt");
   auto uptr = model->MakeField<std::unique_ptr<std::int32_t>>("uptr");
   auto var = model->MakeField<std::variant<std::int32_t, float, std::string>>("var");
   auto arr = model->MakeField<std::array<float, 3>>("arr");
   auto m = model->MakeField<std::map<std::string, std::int32_t>>("m");
   auto tup = model->MakeField<std::tuple<std::int32_t, double, std::string>>("tup");
   auto pr = model->MakeField<std::pair<float, std::vector<std::int16_t>>>("pr");
   auto bs = model->MakeField<std::bitset<11>>("bs");
   auto vs = model->MakeField<std::vector<std::string>>("vs");
   auto vvd = model->MakeField<std::vector<std::vector<double>>>("vvd");
   auto vb = model->MakeField<std::vector<bool>>("vb");
   auto ch = model->MakeField<char>("ch");
   ROOT::RNTupleWriteOptions opts;
   opts.SetCompression(compression);
   opts.SetApproxZippedClusterSize(2000);
   opts.SetMaxUnzippedPageSize(512); opts.SetInitialUnzippedPageSize(64); opts.SetPageBufferBudget(1 << 24);
   auto writer = ROOT::RNTupleWriter::Recreate(std::move(model), "cases", path, opts);
   std::unique_ptr<ROOT::RNTupleModel> ext;
   std::shared_ptr<std::vector<float>> late;
   std::shared_ptr<std::int32_t> late_i;
   for (int e = 0; e < 300; ++e) {
      if (e == 120) {
         auto upd = writer->CreateModelUpdater();
         upd->BeginUpdate();
         late = upd->MakeField<std::vector<float>>("late_vf");
         late_i = upd->MakeField<std::int32_t>("late_i");
         upd->CommitUpdate();
      }
      if (late) { late->assign(e % 4, 0.5f * e); *late_i = -e; }
      *i8 = static_cast<std::int8_t>(e - 128);
      *u16 = static_cast<std::uint16_t>(e * 211);
      *i64 = (e % 2 ? -1 : 1) * (std::int64_t(e) << 40);
      *d = e == 7 ? std::numeric_limits<double>::quiet_NaN() : e / 3.0;
      *b = e % 3 == 0;
      if (e % 2) *opt = e * 1.5f; else opt->reset();
      if (e % 3) *uptr = std::make_unique<std::int32_t>(e); else uptr->reset();
      if (e % 3 == 0) *var = std::int32_t(e); else if (e % 3 == 1) *var = float(e) / 4; else *var = std::string(e % 5, 'x');
      *arr = {float(e), float(-e), 0.25f};
      m->clear(); for (int k = 0; k < e % 3; ++k) (*m)["k" + std::to_string(k)] = e + k;
      *tup = {e, e * 0.1, std::to_string(e)};
      *pr = {e * 2.f, std::vector<std::int16_t>(e % 4, static_cast<std::int16_t>(-e))};
      *bs = std::bitset<11>(e * 37);
      vs->clear(); for (int k = 0; k < e % 4; ++k) vs->push_back(std::string(k, 'a' + k));
      vvd->assign(e % 3, std::vector<double>(e % 5, -e * 0.01));
      vb->assign(e % 6, e % 2 == 0);
      *ch = 'A' + e % 26;
      writer->Fill();
      if (e % 100 == 99) writer->CommitCluster(true);
   }
}
'''
# uproot 5.7.7 misreads std::variant across pages; ROOT's own reading of `var` is written beside the file
# (OUT.root.var.json, values encoded like rntuple_reference.py) so the test can use ROOT as the truth there.
readback = r'''
#include <ROOT/RNTupleReader.hxx>
#include <cstdio>
#include <cstring>
void hadron_dump_var(const char *path, const char *out) {
   auto reader = ROOT::RNTupleReader::Open("cases", path);
   auto view = reader->GetView<std::variant<std::int32_t, float, std::string>>("var");
   FILE *f = std::fopen(out, "w");
   std::fprintf(f, "[");
   for (auto i : reader->GetEntryRange()) {
      const auto &v = view(i);
      if (i > 0) std::fprintf(f, ",");
      if (v.index() == 0) {
         std::fprintf(f, "%d", std::get<0>(v));
      } else if (v.index() == 1) {
         double d = std::get<1>(v);
         unsigned long long bits;
         std::memcpy(&bits, &d, 8);
         std::fprintf(f, "\"f:%016llx\"", bits);
      } else {
         std::fprintf(f, "\"s:%s\"", std::get<2>(v).c_str());  // only 'x' characters are written
      }
   }
   std::fprintf(f, "]");
   std::fclose(f);
}
'''
ROOT.gInterpreter.Declare(code)
ROOT.gInterpreter.Declare(readback)
ROOT.hadron_write_cases(sys.argv[1], int(sys.argv[2]))
ROOT.hadron_dump_var(sys.argv[1], sys.argv[1] + ".var.json")
