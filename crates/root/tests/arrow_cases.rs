//! Arrow-layer cases from real files with hand-checked answers (values read off the files with
//! uproot and ROOT): trees that never counted their entries, bare top-level strings, member names.

mod common;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use hadron_root::RootFile;
use hadron_root::arrow::{ReadOptions, TreeReader, read_tree};

fn corpus(name: &str) -> Option<std::path::PathBuf> {
    let p = common::peers::shared_scikit_hep().join(name);
    if p.is_file() {
        Some(p)
    } else {
        common::peers::skip_or_fail(&format!("{} is absent", p.display()));
        None
    }
}

fn one_column(file: &str, tree: &str, column: &str) -> Option<(DataType, Vec<arrow_array::ArrayRef>)> {
    let path = corpus(file)?;
    let rt = common::harness::runtime();
    rt.block_on(async {
        let f = RootFile::open_path(&path).await.expect("open");
        let options = ReadOptions { branches: Some(vec![column.to_string()]), ..ReadOptions::default() };
        let (schema, batches) = read_tree(&f, tree, &options).await.expect("read");
        let dt = schema.field(0).data_type().clone();
        Some((dt, batches.iter().map(|b| b.column(0).clone()).collect()))
    })
}

#[test]
fn a_tree_filled_branch_by_branch_reads_as_far_as_its_branches() {
    // LHCb's `Refs` tree has fEntries = 0, but its `Params` branch (TLeafC) holds two entries.
    let Some((dt, arrays)) = one_column("string-example.root", "Refs", "Params") else { return };
    assert_eq!(dt, DataType::Utf8);
    let values: Vec<String> =
        arrays.iter().flat_map(|a| a.as_string::<i32>().iter().map(|s| s.unwrap_or("").to_string())).collect();
    assert_eq!(values, ["PFN=turbo_2024MC.charm.dst", "FID=5FE9437E-D958-11EE-AB88-3CECEF1070AC"]);
}

#[test]
fn an_empty_tree_still_has_its_schema() {
    let Some(path) = corpus("uproot-empty.root") else { return };
    let rt = common::harness::runtime();
    rt.block_on(async {
        let f = RootFile::open_path(&path).await.expect("open");
        let reader = TreeReader::open(&f, "tree", &ReadOptions::default()).await.expect("open tree");
        let schema = reader.schema();
        let types: Vec<_> = schema.fields().iter().map(|x| (x.name().as_str(), x.data_type().clone())).collect();
        assert_eq!(types, [("x", DataType::Int32), ("y", DataType::Float64), ("z", DataType::Utf8)]);
    });
}

#[test]
fn top_level_std_strings_have_no_header() {
    // stl_containers.root `string`: bare "one", "two", "three", ... (1-byte length + bytes).
    let Some((dt, arrays)) = one_column("uproot-stl_containers.root", "tree", "string") else { return };
    assert_eq!(dt, DataType::Utf8);
    let a = arrays[0].as_string::<i32>();
    assert_eq!((a.value(0), a.value(1), a.value(2)), ("one", "two", "three"));
}

#[test]
fn split_members_are_named_relative_to_their_parent() {
    let Some((dt, _)) = one_column("uproot-small-evnt-tree-fullsplit.root", "tree", "evt") else { return };
    let DataType::Struct(fields) = dt else { panic!("evt is not a struct: {dt}") };
    let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
    assert!(names.contains(&"ArrayI16") && names.contains(&"P3") && !names.contains(&"ArrayI16[10]"), "{names:?}");
    let Some((dt, _)) = one_column("uproot-issue-1221.root", "TrkAna/trkana", "demtch") else { return };
    let DataType::List(item) = dt else { panic!("demtch is not a list: {dt}") };
    let DataType::Struct(fields) = item.data_type() else { panic!("demtch items are not structs") };
    let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
    assert!(names.contains(&"poca.fCoordinates.fX") && names.contains(&"mom.fCoordinates.fX"), "{names:?}");
}

#[test]
fn unsupported_split_members_are_left_out_and_reported() {
    // KM3NeT `JDAQFrame::buffer` (`JDAQHit*` loop, hand-written JDAQHit streamer, empty TStreamerInfo):
    // the member is left out of the split collection's column, the others are read.
    let Some(path) = corpus("uproot-issue-76.root") else { return };
    let rt = common::harness::runtime();
    rt.block_on(async {
        let f = RootFile::open_path(&path).await.expect("open");
        let options = ReadOptions { branches: Some(vec!["km3net_timeslice_L1".into()]), ..ReadOptions::default() };
        let mut reader = TreeReader::open(&f, "KM3NET_TIMESLICE_L1", &options).await.expect("open");
        let skipped: Vec<&str> = reader.skipped().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(skipped, ["vector<KM3NETDAQ::JDAQSuperFrame>.buffer"]);
        let (_, why) = &reader.skipped()[0];
        assert!(why.is_unsupported() && why.to_string().contains("KM3NETDAQ::JDAQHit*"), "{why}");
        let batch = reader.next_batch().await.expect("read").expect("a batch");
        let slice = batch.column(0).as_struct();
        let slice = slice.column_by_name("KM3NETDAQ::JDAQTimeslice").expect("timeslice").as_struct();
        let frames = slice.column_by_name("vector<KM3NETDAQ::JDAQSuperFrame>").expect("frames");
        let DataType::List(item) = frames.data_type() else { panic!("frames are not a list") };
        let DataType::Struct(fields) = item.data_type() else { panic!("frames are not structs") };
        let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
        assert!(names.contains(&"numberOfHits") && !names.contains(&"buffer"), "{names:?}");
        // uproot: 69 frames in entry 0, the first with 984 hits.
        let first = frames.as_list::<i32>().value(0);
        assert_eq!(first.len(), 69);
        let hits = first.as_struct().column_by_name("numberOfHits").expect("numberOfHits");
        let first_hits = match hits.data_type() {
            DataType::UInt32 => i64::from(hits.as_primitive::<arrow_array::types::UInt32Type>().value(0)),
            DataType::Int32 => i64::from(hits.as_primitive::<arrow_array::types::Int32Type>().value(0)),
            other => panic!("numberOfHits is {other}"),
        };
        assert_eq!(first_hits, 984);
    });
}

#[test]
fn member_wise_vector_of_trotation() {
    // BDSIM `Model.staRot` (`vector<TRotation>`, member-wise, TObject base): 2348 rotations; ROOT's
    // TTree::Scan prints fxx 0.999638781081 and fxy -1.4699557e-08 for instance 2339, 1 and 0 for 2345.
    let Some((_, arrays)) = one_column("uproot-issue371.root", "Model", "Model.") else { return };
    let rot = arrays[0].as_struct().column_by_name("staRot").expect("staRot").as_list::<i32>().value(0);
    let rot = rot.as_struct();
    assert_eq!(rot.len(), 2348);
    let col =
        |m: &str| rot.column_by_name(m).expect("member").as_primitive::<arrow_array::types::Float64Type>().clone();
    let (fxx, fxy) = (col("fxx"), col("fxy"));
    assert!((fxx.value(2339) - 0.999638781081).abs() < 1e-12);
    assert!((fxy.value(2339) / -1.4699557e-08 - 1.0).abs() < 1e-7);
    assert_eq!((fxx.value(2345), fxy.value(2345)), (1.0, 0.0));
}
