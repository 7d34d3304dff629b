//! What can go wrong in the store, typed so the API edge can map each case
//! to its own problem `type` and Norwegian text. Nothing here is prose for
//! people, and nothing is told apart by the database's message text except
//! "busy", for which diesel exposes no code.

use toolreg_core::Violations;

/// What was looked for and not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Organisation,
    /// The organisation a tool names as its vendor.
    Vendor,
    /// The organisation an assessment names as its reviewer.
    ReviewerOrganisation,
    Tool,
    /// One or more of the tools an assessment covers.
    CoveredTools,
    Assessment,
    VerdictVersion,
    SubprocessorRevision,
    Subscription,
    Delivery,
    Document,
    Submission,
    /// An entry of an organisation's inventory (looked for under that
    /// organisation only).
    InventoryEntry,
    /// A row a query expected (diesel's `NotFound` with no context).
    Row,
}

/// Why a change cannot be made in the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// A unique value is already used; the input field when known.
    Taken {
        field: Option<&'static str>,
    },
    /// A reference to something that does not exist or is in use.
    BrokenReference,
    /// The assessment is withdrawn and cannot change.
    Withdrawn,
    AlreadyWithdrawn,
    /// Publishing an assessment that has no draft.
    NoDraft,
    /// Publishing a draft identical to the latest published version.
    DraftUnchanged,
    /// A tool named in a vendor's submission belongs to another vendor.
    OtherVendorsTool,
    /// Only a submission whose reviewer asked for changes can be revised.
    SubmissionNotOpenForRevision,
    /// An accepted or rejected submission takes no more comments.
    SubmissionClosed,
    /// The reviewer's organisation has no published assessment of the
    /// tool to re-assess.
    NothingToReassess,
    /// Triage cannot move a submission from `from` to `to`.
    SubmissionTransition {
        from: &'static str,
        to: &'static str,
    },
    /// The organisation's inventory already lists the tool.
    AlreadyInInventory,
    /// An acceptance must name the verdict version in force for the tool;
    /// this is the one that is (none: no verdict is in force).
    NotInForce {
        in_force: Option<(uuid::Uuid, i32)>,
    },
    /// Only a local tool can be proposed, and once.
    NotProposable,
    /// An acceptance needs a status on every condition of the verdict.
    LocalPartIncomplete {
        missing: usize,
    },
    /// A sample-data organisation number exists under another id.
    SeedOrgNumberTaken {
        org_number: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0:?}")]
    NotFound(Entity),
    #[error("conflict: {0:?}")]
    Conflict(ConflictKind),
    /// The caller's precondition (`If-Match`) no longer holds.
    #[error("changed since it was read")]
    Stale,
    #[error("invalid input: {0}")]
    Invalid(Violations),
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("cannot connect to the database: {0}")]
    Connection(String),
    /// Other writers held the database longer than the busy timeout (or
    /// PostgreSQL gave up on a deadlock or serialisation): trying again
    /// later will work, so this is 503 with `Retry-After`, never 500.
    #[error("database busy")]
    Busy,
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored row does not match its own hash: it was changed after it
    /// was written, outside toolreg.
    #[error("stored content does not match its hash ({what})")]
    Tampered { what: String },
    /// A stored row could not be decoded: a bug or a hand edit, never input.
    #[error("stored data unreadable ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
}

impl StoreError {
    pub fn taken(field: &'static str) -> Self {
        StoreError::Conflict(ConflictKind::Taken { field: Some(field) })
    }

    /// 422 about one field of the input.
    pub fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid(Violations::one(pointer, message))
    }
}

/// Map diesel's `NotFound` to the entity looked for.
pub(crate) fn or_not_found(entity: Entity) -> impl Fn(diesel::result::Error) -> StoreError {
    move |e| match e {
        diesel::result::Error::NotFound => StoreError::NotFound(entity),
        other => other.into(),
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound(Entity::Row),
            // The database's own text (constraint and table names) never
            // reaches a client. Writers check the unique fields people type
            // (slug, org number) before writing, so this arm names a field
            // only when PostgreSQL reports the constraint of a race.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(ConflictKind::Taken {
                    field: info.constraint_name().and_then(field_of_constraint),
                })
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                StoreError::Conflict(ConflictKind::BrokenReference)
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => StoreError::Busy,
            Error::DatabaseError(_, ref info) if is_busy(info.as_ref()) => StoreError::Busy,
            other => StoreError::Database(other),
        }
    }
}

/// SQLITE_BUSY / SQLITE_LOCKED after the busy timeout, or a PostgreSQL
/// deadlock or lock timeout. diesel reports these as `Unknown` with the
/// driver's message and no code, so the message is all there is.
fn is_busy(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    let m = info.message();
    m.contains("database is locked")
        || m.contains("database table is locked")
        || m.contains("database is busy")
        || m.contains("deadlock detected")
        || m.contains("lock timeout")
}

/// The input field a PostgreSQL unique constraint guards, by the
/// constraint names the migrations give (`tools_slug_key`, …).
fn field_of_constraint(name: &str) -> Option<&'static str> {
    const FIELDS: [(&str, &str); 4] = [
        ("tools_slug", "slug"),
        ("organisations_org_number", "org_number"),
        ("version", "version"),
        ("revision", "revision"),
    ];
    FIELDS
        .iter()
        .find(|(needle, _)| name.contains(needle))
        .map(|(_, field)| *field)
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Connection(e.to_string())
    }
}

impl From<Violations> for StoreError {
    fn from(v: Violations) -> Self {
        StoreError::Invalid(v)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
