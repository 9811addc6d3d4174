//! The stand-in for the built-in transport in a build without it: a client still
//! builds (for prepare and read_response), and what needs the transport answers
//! `Unsupported`.

use std::path::Path;

use super::{HttpAnswer, TransportOptions};
use crate::error::{Error, Status};
use crate::request::Request;

/// No CA file can be read without the transport: this type has no values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CaFile {}

impl CaFile {
    pub(crate) fn read(_path: &Path) -> Result<CaFile, Error> {
        Err(unsupported(
            "a CA file (your HTTP stack decides what to trust)",
        ))
    }
}

#[derive(Debug)]
pub(crate) struct Transport;

impl Transport {
    /// Succeeds with the default options only: timeouts and a proxy have nothing to
    /// apply to.
    pub(crate) fn new(options: &TransportOptions) -> Result<Transport, Error> {
        if *options != TransportOptions::default() {
            return Err(unsupported("timeouts and a proxy (your HTTP stack's own)"));
        }
        Ok(Transport)
    }

    pub(crate) fn check_available(&self) -> Result<(), Error> {
        Err(unsupported("sending"))
    }

    pub(crate) fn post(&self, _request: &Request) -> Result<HttpAnswer, Error> {
        Err(unsupported("sending"))
    }
}

/// The error of a call that needs the built-in transport in a build without it.
fn unsupported(what: &str) -> Error {
    Error::new(
        Status::Unsupported,
        format!(
            "{what} needs the built-in transport, which this build of smscode leaves out \
             (cargo feature `transport`): send the prepared request with the platform's \
             HTTP stack and hand its answer to read_response"
        ),
    )
}
