//! File parameters of multipart requests.

use serde::{Deserialize, Serialize};

/// A file sent as one part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct File {
    /// File name sent in `Content-Disposition`.
    pub filename: String,
    /// Media type of the part (`application/octet-stream` when unknown).
    pub content_type: String,
    /// File contents.
    pub data: Vec<u8>,
}

impl File {
    /// A file with contents `data` and type `application/octet-stream`.
    pub fn new(filename: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self {
            filename: filename.into(),
            content_type: "application/octet-stream".to_owned(),
            data: data.into(),
        }
    }

    /// Sets the media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }
}
