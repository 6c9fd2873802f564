//! `hadron ls`: keys, trees and branches of ROOT files with their Arrow types.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use hadron_root::arrow::{BranchIndex, plan_column_lenient};
use hadron_root::{Directory, RootFile};

/// Arguments of `hadron ls`.
#[derive(Debug, Args)]
pub struct LsArgs {
    /// ROOT files to list.
    #[arg(required = true)]
    files: Vec<String>,
    /// Show every branch, including sub-branches of split objects.
    #[arg(long)]
    all: bool,
}

pub async fn run(args: LsArgs, out: &mut dyn Write) -> Result<()> {
    for path in &crate::input::expand(&args.files).await? {
        let file = crate::input::open(path).await?;
        let h = file.header();
        writeln!(
            out,
            "{path}  (ROOT {}, {} bytes, compression {})",
            h.root_version(),
            file.source().len(),
            h.compress
        )?;
        list_dir(&file, file.root_directory().clone(), out, args.all).await?;
    }
    Ok(())
}

async fn list_dir(file: &RootFile, dir: Directory, out: &mut dyn Write, all: bool) -> Result<()> {
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for key in &dir.keys {
            let path = if dir.path.is_empty() { key.path_name() } else { format!("{}/{}", dir.path, key.path_name()) };
            writeln!(out, "  {path:<40} {:<20} {}", key.class_name, key.title)?;
            if key.is_directory() {
                stack.push(file.subdirectory(&dir, key).await?);
            } else if hadron_root::tree::is_tree_class(&key.class_name) {
                list_tree(file, &path, out, all).await?;
            } else if hadron_root::rntuple::ANCHOR_CLASSES.contains(&key.class_name.as_str()) {
                list_rntuple(file, &path, out).await?;
            }
        }
    }
    Ok(())
}

async fn list_tree(file: &RootFile, path: &str, out: &mut dyn Write, all: bool) -> Result<()> {
    let key = file.key(path).await?;
    let tree = hadron_root::tree::read_tree(file, &key).await?;
    writeln!(out, "    {} entries, {} branches", tree.entries, tree.branches.len())?;
    let index = BranchIndex::new(&tree);
    let db = file.streamers().await?;
    let branches: Vec<usize> = if all { (0..index.branches.len()).collect() } else { index.top.clone() };
    for i in branches {
        let b = &index.branches[i];
        let ty = if index.top.contains(&i) {
            let mut left_out = Vec::new();
            match plan_column_lenient(&index, &db, i, &mut left_out) {
                Ok(plan) if left_out.is_empty() => plan.data_type().to_string(),
                Ok(plan) => {
                    let names: Vec<&str> = left_out.iter().map(|(n, _)| n.as_str()).collect();
                    format!("{} (unsupported members left out: {})", plan.data_type(), names.join(", "))
                }
                Err(e) => format!("(not readable: {e})"),
            }
        } else {
            String::from("(member)")
        };
        writeln!(out, "    {:<38} {:<12} {ty}", b.name, b.entries)?;
    }
    Ok(())
}

async fn list_rntuple(file: &RootFile, path: &str, out: &mut dyn Write) -> Result<()> {
    let nt = hadron_root::rntuple::RNTuple::open(file, path).await?;
    let names: Vec<String> = nt.field_names().iter().map(|s| s.to_string()).collect();
    writeln!(out, "    {} entries, {} fields, {} clusters", nt.entries, names.len(), nt.clusters.len())?;
    for name in names {
        let ty = match nt.arrow_type(&name) {
            Ok(t) => t.to_string(),
            Err(e) => format!("(not readable: {e})"),
        };
        writeln!(out, "    {name:<38} {:<12} {ty}", nt.entries)?;
    }
    Ok(())
}
