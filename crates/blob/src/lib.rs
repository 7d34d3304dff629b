//! toolreg-blob: the bytes of documents. An upload is streamed in chunk by
//! chunk under a size limit, hashed with SHA-256 as it comes, and its media
//! type sniffed from its first and last bytes; only a complete, recognised
//! upload can be stored. Content is addressed by its hash, so identical
//! bytes are stored once: on the file system under the data directory on
//! the embedded default, in PostgreSQL (where every replica sees them) in
//! PostgreSQL mode. A stored blob is never half-visible: on the file system
//! the bytes are written to a temporary file and renamed into place, and
//! the database row that makes them reachable commits after that; an
//! upload that fails or is dropped midway leaves nothing behind.

pub mod sniff;

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use toolreg_store::{DbConnection, StoreError};

pub use sniff::MediaType;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the upload is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload is empty")]
    Empty,
    #[error("the upload is not a format documents may have")]
    Unrecognised,
    #[error("the stored bytes of {0} are missing")]
    Missing(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A blob the database is about to reference: its address and, in
/// PostgreSQL mode, its bytes for the row.
#[derive(Debug)]
pub struct StoredBlob<'a> {
    pub sha256: &'a str,
    pub size: u64,
    pub media_type: MediaType,
    /// The bytes, when the database holds them.
    pub content: Option<&'a [u8]>,
}

/// Where uploads go while they stream in.
enum Sink {
    File(tempfile::NamedTempFile),
    Memory(Vec<u8>),
}

/// An upload in progress. Dropping it discards everything written.
pub struct Upload {
    limit: u64,
    size: u64,
    hasher: Sha256,
    head: Vec<u8>,
    tail: Vec<u8>,
    sink: Sink,
}

impl Upload {
    /// Add the next chunk; refused once the whole would pass the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        let size = self.size + chunk.len() as u64;
        if size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        self.size = size;
        self.hasher.update(chunk);
        if self.head.len() < sniff::HEAD {
            let take = (sniff::HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.tail.extend_from_slice(chunk);
        if self.tail.len() > 2 * sniff::TAIL {
            let cut = self.tail.len() - sniff::TAIL;
            self.tail.drain(..cut);
        }
        match &mut self.sink {
            Sink::File(f) => f.write_all(chunk)?,
            Sink::Memory(bytes) => bytes.extend_from_slice(chunk),
        }
        Ok(())
    }

    /// The upload is complete: its hash and type, ready to store.
    pub fn finish(self) -> Result<Staged, BlobError> {
        if self.size == 0 {
            return Err(BlobError::Empty);
        }
        let tail_from = self.tail.len().saturating_sub(sniff::TAIL);
        let media_type =
            sniff::sniff(&self.head, &self.tail[tail_from..]).ok_or(BlobError::Unrecognised)?;
        let mut sink = self.sink;
        if let Sink::File(f) = &mut sink {
            f.as_file().sync_all()?;
        }
        Ok(Staged {
            sha256: hex(&self.hasher.finalize()),
            size: self.size,
            media_type,
            sink,
        })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The type the first bytes already show, so a lying declaration can be
    /// refused before the rest is read. None until enough has arrived.
    pub fn early_type(&self) -> Option<MediaType> {
        (self.head.len() >= 16)
            .then(|| sniff::sniff(&self.head, &self.tail))
            .flatten()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A complete upload, not yet stored. Dropping it discards it.
pub struct Staged {
    pub sha256: String,
    pub size: u64,
    pub media_type: MediaType,
    sink: Sink,
}

enum Backend {
    FileSystem {
        root: PathBuf,
        /// Placing a file and committing the row that references it, one
        /// upload at a time, so undoing a failed commit cannot remove a
        /// file another upload of the same bytes has just referenced.
        placing: Mutex<()>,
    },
    Database,
}

pub struct BlobStore {
    backend: Backend,
}

impl BlobStore {
    /// Blobs as files under `root` (`root/ab/abcdef…`), uploads in
    /// `root/tmp` so the final rename stays on one file system.
    pub fn file_system(root: impl Into<PathBuf>) -> Result<Self, BlobError> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self {
            backend: Backend::FileSystem {
                root,
                placing: Mutex::new(()),
            },
        })
    }

    /// Blobs as rows in the database (PostgreSQL mode).
    pub fn database() -> Self {
        Self {
            backend: Backend::Database,
        }
    }

    /// Start an upload of at most `limit` bytes.
    pub fn upload(&self, limit: u64) -> Result<Upload, BlobError> {
        let sink = match &self.backend {
            Backend::FileSystem { root, .. } => {
                Sink::File(tempfile::NamedTempFile::new_in(root.join("tmp"))?)
            }
            Backend::Database => Sink::Memory(Vec::new()),
        };
        Ok(Upload {
            limit,
            size: 0,
            hasher: Sha256::new(),
            head: Vec::new(),
            tail: Vec::new(),
            sink,
        })
    }

    fn path(root: &std::path::Path, sha256: &str) -> PathBuf {
        root.join(sha256.get(..2).unwrap_or("00")).join(sha256)
    }

    /// Store `staged` and, in the same step, run `reference` — the
    /// transaction that writes the rows making it reachable. The bytes are
    /// in place before that transaction commits; if it fails, bytes this
    /// call placed are removed again.
    pub fn store<T, E>(
        &self,
        staged: Staged,
        conn: &mut DbConnection,
        reference: impl FnOnce(&mut DbConnection, &StoredBlob<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<BlobError>,
    {
        let Staged {
            sha256,
            size,
            media_type,
            sink,
        } = staged;
        match (&self.backend, sink) {
            (Backend::FileSystem { root, placing }, Sink::File(file)) => {
                let _one_at_a_time = placing.lock().unwrap_or_else(|p| p.into_inner());
                let path = Self::path(root, &sha256);
                let placed = if path.exists() {
                    false
                } else {
                    let dir = path.parent().unwrap_or(root);
                    std::fs::create_dir_all(dir).map_err(BlobError::from)?;
                    file.persist(&path).map_err(|e| BlobError::Io(e.error))?;
                    std::fs::File::open(dir)
                        .and_then(|d| d.sync_all())
                        .map_err(BlobError::from)?;
                    true
                };
                let blob = StoredBlob {
                    sha256: &sha256,
                    size,
                    media_type,
                    content: None,
                };
                let result = reference(conn, &blob);
                if result.is_err() && placed {
                    let _ = std::fs::remove_file(&path);
                }
                result
            }
            (_, sink) => {
                let bytes = match sink {
                    Sink::Memory(bytes) => bytes,
                    // A file sink only comes from the file-system backend.
                    Sink::File(f) => std::fs::read(f.path()).map_err(BlobError::from)?,
                };
                let blob = StoredBlob {
                    sha256: &sha256,
                    size,
                    media_type,
                    content: Some(&bytes),
                };
                reference(conn, &blob)
            }
        }
    }

    /// The bytes stored under `sha256`.
    pub fn read(&self, conn: &mut DbConnection, sha256: &str) -> Result<Vec<u8>, BlobError> {
        match &self.backend {
            Backend::FileSystem { root, .. } => match std::fs::read(Self::path(root, sha256)) {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(BlobError::Missing(sha256.to_string()))
                }
                Err(e) => Err(e.into()),
            },
            Backend::Database => toolreg_store::tables::blob::content(conn, sha256)?
                .ok_or_else(|| BlobError::Missing(sha256.to_string())),
        }
    }

    /// Files under the root, uploads in progress included (for tests: a
    /// failed upload leaves none).
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        if let Backend::FileSystem { root, .. } = &self.backend {
            walk(root, &mut out);
        }
        out
    }
}
