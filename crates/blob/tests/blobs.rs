//! Blob storage on both backends — files under a directory beside SQLite,
//! rows in PostgreSQL — with a real database: content stored once and read
//! back whole, and every failed upload (too large, empty, not a document
//! format, dropped midway, its rows refused) leaving no file and no row.

use diesel::Connection;
use toolreg_blob::{BlobError, BlobStore, MediaType, StoredBlob};
use toolreg_store::tables::blob;
use toolreg_store::test_support::TestDb;
use toolreg_store::{DbConnection, StoreError};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

/// Each database with the blob store its mode uses.
fn stores() -> Vec<(TestDb, BlobStore, tempfile::TempDir)> {
    TestDb::all()
        .into_iter()
        .map(|db| {
            let dir = tempfile::tempdir().expect("dir");
            let store = match db.name() {
                "sqlite" => BlobStore::file_system(dir.path().join("blobs")).expect("fs"),
                _ => BlobStore::database(),
            };
            (db, store, dir)
        })
        .collect()
}

fn record(conn: &mut DbConnection, b: &StoredBlob<'_>) -> Result<String, BlobError> {
    blob::insert_if_absent(
        conn,
        b.sha256,
        b.size as i64,
        b.content,
        toolreg_store::time::now(),
    )?;
    Ok(b.sha256.to_string())
}

fn upload(
    store: &BlobStore,
    chunks: &[&[u8]],
    limit: u64,
) -> Result<toolreg_blob::Staged, BlobError> {
    let mut up = store.upload(limit)?;
    for c in chunks {
        up.write(c)?;
    }
    up.finish()
}

#[test]
fn content_is_stored_once_and_read_back_whole() {
    for (db, store, _dir) in stores() {
        let backend = db.name();
        let mut conn = db.pool().get().expect("conn");
        let (a, b) = PDF.split_at(9);
        let staged = upload(&store, &[a, b], 1024).expect("upload");
        assert_eq!(staged.media_type, MediaType::Pdf);
        assert_eq!(staged.size, PDF.len() as u64);
        let sha = store.store(staged, &mut conn, record).expect("stored");
        assert_eq!(sha.len(), 64, "{backend}");
        let again = upload(&store, &[PDF], 1024).expect("upload");
        assert_eq!(store.store(again, &mut conn, record).expect("stored"), sha);
        assert_eq!(blob::count(&mut conn).ok(), Some(1), "{backend}: once");
        assert_eq!(store.read(&mut conn, &sha).expect("read"), PDF, "{backend}");
        if backend == "sqlite" {
            // One file, nothing left in tmp.
            assert_eq!(store.files().len(), 1, "{:?}", store.files());
        }
        let missing = store.read(&mut conn, &"0".repeat(64));
        assert!(matches!(missing, Err(BlobError::Missing(_))), "{backend}");
    }
}

#[test]
fn failed_uploads_leave_no_file_and_no_row() {
    for (db, store, _dir) in stores() {
        let backend = db.name();
        let mut conn = db.pool().get().expect("conn");
        let too_large = upload(&store, &[PDF, PDF], PDF.len() as u64 + 1);
        assert!(
            matches!(too_large, Err(BlobError::TooLarge { .. })),
            "{backend}"
        );
        assert!(matches!(upload(&store, &[], 1024), Err(BlobError::Empty)));
        let exe = upload(&store, &[b"MZ\x90\0\x03\0\0\0\x04\0"], 1024);
        assert!(matches!(exe, Err(BlobError::Unrecognised)), "{backend}");
        // Dropped halfway: the connection broke.
        {
            let mut up = store.upload(1024).expect("upload");
            up.write(&PDF[..10]).expect("first chunk");
        }
        // Complete, but the rows that would reference it are refused.
        let staged = upload(&store, &[b"Databehandleravtale, versjon 3\n"], 1024).expect("text");
        let refused: Result<(), BlobError> = store.store(staged, &mut conn, |conn, b| {
            conn.transaction(|conn| {
                record(conn, b).map_err(|_| diesel::result::Error::RollbackTransaction)?;
                Err::<(), _>(diesel::result::Error::RollbackTransaction)
            })
            .map_err(|e| BlobError::Store(StoreError::from(e)))
        });
        assert!(refused.is_err());
        assert_eq!(blob::count(&mut conn).ok(), Some(0), "{backend}: no row");
        assert!(
            store.files().is_empty(),
            "{backend}: no file left: {:?}",
            store.files()
        );
    }
}
