//! dict/read (layer 3): decoding the TList of TStreamerInfo stored at `fSeekInfo`.
//!
//! Layout: `TList` (version, TObject, name, count, then per item an object tag, the object and an
//! option string). Items are `TStreamerInfo` (TNamed, `fCheckSum`, `fClassVersion`, `fElements` as a
//! `TObjArray` of `TStreamer*` elements) and, at the end, `TList`s of schema rules, which are skipped.

use crate::bytes::Cursor;
use crate::dict::tags::{ClassTags, ObjectTag, read_objarray_head, read_tnamed, read_tobject};
use crate::dict::{CountInfo, ElementKind, FloatRange, StreamerElement, StreamerInfo, code};
use crate::error::{Error, Result, ResultExt};

/// Parses the decompressed StreamerInfo record (a `TList` of `TStreamerInfo`, then rules).
pub fn parse_streamer_list(payload: &[u8], key_len: u16) -> Result<Vec<StreamerInfo>> {
    let mut c = Cursor::new(payload).with_displacement(i64::from(key_len));
    let mut tags = ClassTags::default();
    let header = c.object_header()?;
    if header.version > 3 {
        read_tobject(&mut c)?;
        c.string()?;
    }
    let n = c.i32()?;
    if n < 0 || n as usize > payload.len() {
        return Err(c.error(format!("TList claims {n} objects")));
    }
    let mut infos = Vec::with_capacity(n as usize);
    for _ in 0..n {
        match tags.read(&mut c)? {
            ObjectTag::New { class, end, .. } => {
                if class == "TStreamerInfo" {
                    let info = read_streamer_info(&mut c, &mut tags)?;
                    if let Some(end) = end {
                        if c.pos() > end {
                            return Err(c.error(format!("TStreamerInfo '{}' overran its byte count", info.name)));
                        }
                        c.seek(end)?;
                    }
                    infos.push(info);
                } else {
                    // Schema-rule lists and anything else: skipped.
                    match end {
                        Some(end) => c.seek(end)?,
                        None => return Err(c.error(format!("cannot skip a {class} without a byte count"))),
                    }
                }
            }
            ObjectTag::Null | ObjectTag::Ref(_) => {}
        }
        if header.version > 3 {
            c.string_bytes()?; // the option string of the list entry
        }
    }
    Ok(infos)
}

fn read_streamer_info(c: &mut Cursor, tags: &mut ClassTags) -> Result<StreamerInfo> {
    let header = c.object_header()?;
    let (name, title) = read_tnamed(c)?;
    let checksum = c.u32()?;
    let class_version = c.i32()?;
    let elements = match tags.read(c).in_object(&name)? {
        ObjectTag::New { class, end, .. } if class == "TObjArray" => {
            let elements = read_element_array(c, tags).in_object(&name)?;
            if let Some(end) = end {
                c.seek(end)?;
            }
            elements
        }
        ObjectTag::Null => Vec::new(),
        ObjectTag::New { class, .. } => {
            return Err(c.error(format!("TStreamerInfo '{name}': fElements is a {class}, not a TObjArray")));
        }
        ObjectTag::Ref(_) => return Err(c.error(format!("TStreamerInfo '{name}': fElements is a back-reference"))),
    };
    c.finish(&header, "TStreamerInfo").in_object(&name)?;
    Ok(StreamerInfo { name, title, checksum, class_version, elements })
}

fn read_element_array(c: &mut Cursor, tags: &mut ClassTags) -> Result<Vec<StreamerElement>> {
    let (header, n) = read_objarray_head(c)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        match tags.read(c)? {
            ObjectTag::New { class, end, .. } => {
                let element = read_element(c, &class)?;
                if let Some(end) = end {
                    if c.pos() > end {
                        return Err(c.error(format!("{class} '{}' overran its byte count", element.name)));
                    }
                    c.seek(end)?;
                }
                out.push(element);
            }
            ObjectTag::Null => {}
            ObjectTag::Ref(r) => return Err(c.error(format!("unexpected reference {r} in a streamer element list"))),
        }
    }
    c.finish(&header, "TObjArray")?;
    Ok(out)
}

/// Reads one `TStreamer*` element of class `class` (its object tag already read).
fn read_element(c: &mut Cursor, class: &str) -> Result<StreamerElement> {
    let kind = match class {
        "TStreamerBase" => ElementKind::Base,
        "TStreamerBasicType" => ElementKind::BasicType,
        "TStreamerBasicPointer" => ElementKind::BasicPointer,
        "TStreamerLoop" => ElementKind::Loop,
        "TStreamerObject" => ElementKind::Object,
        "TStreamerObjectAny" => ElementKind::ObjectAny,
        "TStreamerObjectPointer" => ElementKind::ObjectPointer,
        "TStreamerObjectAnyPointer" => ElementKind::ObjectAnyPointer,
        "TStreamerString" => ElementKind::String,
        "TStreamerSTL" => ElementKind::Stl,
        "TStreamerSTLstring" => ElementKind::StlString,
        "TStreamerArtificial" => ElementKind::Artificial,
        other => return Err(Error::unsupported(format!("streamer element class {other}"))),
    };
    let header = c.object_header()?;
    let mut element = if kind == ElementKind::StlString {
        // TStreamerSTLstring wraps a whole TStreamerSTL.
        let stl_header = c.object_header()?;
        let mut e = read_element_base(c, kind)?;
        e.stl = Some((c.i32()?, c.i32()?));
        c.finish(&stl_header, "TStreamerSTL")?;
        e
    } else {
        read_element_base(c, kind)?
    };
    match kind {
        ElementKind::Base if header.version > 2 => element.base_version = Some(c.i32()?),
        ElementKind::BasicPointer | ElementKind::Loop => {
            let version = c.i32()?;
            let name = c.string()?;
            let class = c.string()?;
            element.count = Some(CountInfo { name, class, version });
        }
        ElementKind::Stl => element.stl = Some((c.i32()?, c.i32()?)),
        _ => {}
    }
    c.finish(&header, class)?;
    Ok(element)
}

/// Reads the `TStreamerElement` part shared by every element class.
fn read_element_base(c: &mut Cursor, kind: ElementKind) -> Result<StreamerElement> {
    let header = c.object_header()?;
    let (name, title) = read_tnamed(c)?;
    let mut type_code = c.i32()?;
    let size = c.i32()?;
    let array_length = c.i32()?;
    let array_dim = c.i32()?;
    let max_index = if header.version == 1 {
        let n = c.i32()?;
        if !(0..=5).contains(&n) {
            return Err(c.error(format!("fMaxIndex has {n} entries")));
        }
        c.array(n as usize, |c| c.i32())?
    } else {
        c.array(5, |c| c.i32())?
    };
    let type_name = c.string()?;
    if type_code == code::UCHAR && (type_name == "Bool_t" || type_name == "bool") {
        type_code = code::BOOL;
    }
    if header.version == 3 {
        // fXmin, fXmax, fFactor were streamed in this one version.
        c.skip(24)?;
    }
    c.finish(&header, "TStreamerElement")?;
    let dims = array_dim.clamp(0, 5) as usize;
    let max_index = max_index.into_iter().take(dims).collect();
    let range = if is_packed_float(type_code) { parse_float_range(&title) } else { None };
    Ok(StreamerElement {
        kind,
        name,
        title,
        type_code,
        size,
        array_length,
        array_dim,
        max_index,
        type_name,
        base_version: None,
        count: None,
        stl: None,
        range,
    })
}

fn is_packed_float(type_code: i32) -> bool {
    (1..80).contains(&type_code) && matches!(type_code % 20, code::DOUBLE32 | code::FLOAT16)
}

/// Parses a Double32_t / Float16_t range `[xmin,xmax]` or `[xmin,xmax,nbits]` from a title, as ROOT's
/// `TStreamerElement::GetRange` does (the first bracket may be a dimension like `[fN]`).
pub fn parse_float_range(title: &str) -> Option<FloatRange> {
    let mut rest = title;
    let body = loop {
        let left = rest.find('[')?;
        let right = left + rest[left..].find(']')?;
        let body = &rest[left + 1..right];
        if body.contains(',') {
            break body;
        }
        rest = &rest[right + 1..];
    };
    let mut parts = body.split(',');
    let xmin = parse_bound(parts.next()?)?;
    let xmax = parse_bound(parts.next()?)?;
    let nbits = match parts.next() {
        Some(bits) => {
            let n: i64 = bits.trim().parse().ok()?;
            if (2..=32).contains(&n) { n as u32 } else { 32 }
        }
        None => 0,
    };
    Some(FloatRange { xmin, xmax, nbits })
}

fn parse_bound(text: &str) -> Option<f64> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    if s.contains("pi") {
        use std::f64::consts::PI;
        let v = if s.contains("2pi") || s.contains("2*pi") || s.contains("twopi") {
            2.0 * PI
        } else if s.contains("pi/2") {
            PI / 2.0
        } else if s.contains("pi/4") {
            PI / 4.0
        } else {
            PI
        };
        return Some(if s.contains('-') { -v } else { v });
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_from_titles() {
        assert_eq!(parse_float_range("[0,10,20]"), Some(FloatRange { xmin: 0.0, xmax: 10.0, nbits: 20 }));
        assert_eq!(parse_float_range("[fN][-1, 1]"), Some(FloatRange { xmin: -1.0, xmax: 1.0, nbits: 0 }));
        let r = parse_float_range(" [ -pi , pi , 12 ] angle").unwrap();
        assert!((r.xmin + std::f64::consts::PI).abs() < 1e-12 && r.nbits == 12);
        assert_eq!(parse_float_range("no range"), None);
        assert_eq!(parse_float_range("[3]"), None);
    }

    /// Hand-made one-element streamer list: class `TFoo` v2 with `Int_t fX`.
    #[test]
    fn parses_a_hand_made_list() {
        fn s(out: &mut Vec<u8>, text: &str) {
            out.push(text.len() as u8);
            out.extend(text.as_bytes());
        }
        fn counted(out: &mut Vec<u8>, version: u16, body: &[u8]) {
            out.extend((0x4000_0000u32 | (body.len() as u32 + 2)).to_be_bytes());
            out.extend(version.to_be_bytes());
            out.extend(body);
        }
        let tobject = [0u8, 1, 0, 0, 0, 0, 0x03, 0, 0, 0];
        let tnamed = |name: &str, title: &str| {
            let mut b = tobject.to_vec();
            s(&mut b, name);
            s(&mut b, title);
            let mut out = Vec::new();
            counted(&mut out, 1, &b);
            out
        };
        // TStreamerElement v4
        let mut elem = tnamed("fX", "an int");
        for v in [code::INT, 4, 0, 0, 0, 0, 0, 0, 0] {
            elem.extend(v.to_be_bytes());
        }
        s(&mut elem, "Int_t");
        let mut element_body = Vec::new();
        counted(&mut element_body, 4, &elem);
        let mut basic = Vec::new();
        counted(&mut basic, 2, &element_body);
        // TObjArray v3 with one tagged element
        let mut arr = tobject.to_vec();
        s(&mut arr, "");
        arr.extend(1i32.to_be_bytes());
        arr.extend(0i32.to_be_bytes());
        let mut tagged = 0xffff_ffffu32.to_be_bytes().to_vec();
        tagged.extend(b"TStreamerBasicType\0");
        tagged.extend(&basic);
        arr.extend((0x4000_0000u32 | tagged.len() as u32).to_be_bytes());
        arr.extend(tagged);
        let mut objarray = Vec::new();
        counted(&mut objarray, 3, &arr);
        // TStreamerInfo v9
        let mut info = tnamed("TFoo", "");
        info.extend(0x1234_5678u32.to_be_bytes());
        info.extend(2i32.to_be_bytes());
        let mut tagged = 0xffff_ffffu32.to_be_bytes().to_vec();
        tagged.extend(b"TObjArray\0");
        tagged.extend(&objarray);
        info.extend((0x4000_0000u32 | tagged.len() as u32).to_be_bytes());
        info.extend(tagged);
        let mut info_obj = Vec::new();
        counted(&mut info_obj, 9, &info);
        // TList v5
        let mut list = tobject.to_vec();
        s(&mut list, "");
        list.extend(1i32.to_be_bytes());
        let mut tagged = 0xffff_ffffu32.to_be_bytes().to_vec();
        tagged.extend(b"TStreamerInfo\0");
        tagged.extend(&info_obj);
        list.extend((0x4000_0000u32 | tagged.len() as u32).to_be_bytes());
        list.extend(tagged);
        s(&mut list, "");
        let mut payload = Vec::new();
        counted(&mut payload, 5, &list);

        let infos = parse_streamer_list(&payload, 64).unwrap();
        assert_eq!(infos.len(), 1);
        let info = &infos[0];
        assert_eq!((info.name.as_str(), info.class_version, info.checksum), ("TFoo", 2, 0x1234_5678));
        let e = &info.elements[0];
        assert_eq!(
            (e.kind, e.name.as_str(), e.type_code, e.type_name.as_str()),
            (ElementKind::BasicType, "fX", 3, "Int_t")
        );
    }
}
