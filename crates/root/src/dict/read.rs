//! dict/read (layer 3): decoding the TList of TStreamerInfo stored at `fSeekInfo`.

use crate::dict::StreamerInfo;
use crate::error::Result;

/// Parses the decompressed StreamerInfo record (a `TList` of `TStreamerInfo`, then rules).
pub fn parse_streamer_list(_payload: &[u8], _key_len: u16) -> Result<Vec<StreamerInfo>> {
    Err(crate::Error::Internal("streamer reading lands with the dict layer".into()))
}
