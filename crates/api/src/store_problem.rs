//! Store errors at the HTTP edge: each kind gets its status, its own
//! problem `type` and its Norwegian text here, and nowhere else. Database
//! text never reaches a client.

use crate::problem::Problem;
use actix_web::http::StatusCode;
use toolreg_store::{ConflictKind, Entity, StoreError};

/// The entity in Norwegian, definite form, as the subject of a sentence.
fn entity_nb(entity: Entity) -> &'static str {
    match entity {
        Entity::Organisation => "organisasjonen",
        Entity::Vendor => "leverandøren",
        Entity::ReviewerOrganisation => "den vurderende organisasjonen",
        Entity::Tool => "verktøyet",
        Entity::CoveredTools => "ett eller flere av verktøyene",
        Entity::Assessment => "vurderingen",
        Entity::VerdictVersion => "versjonen av konklusjonen",
        Entity::SubprocessorRevision => "underdatabehandlerrevisjonen",
        Entity::Subscription => "abonnementet",
        Entity::Delivery => "leveransen",
        Entity::Document => "dokumentet",
        Entity::Submission => "innsendingen",
        Entity::InventoryEntry => "oppføringen i verktøyoversikten",
        Entity::Row => "ressursen",
    }
}

/// (problem type, title, detail) of a conflict.
fn conflict(kind: &ConflictKind) -> (&'static str, &'static str, String) {
    match kind {
        ConflictKind::Taken { field: Some(field) } => (
            "taken",
            "Verdien er allerede i bruk",
            format!("verdien i feltet «{field}» er allerede i bruk"),
        ),
        ConflictKind::Taken { field: None } => (
            "taken",
            "Verdien er allerede i bruk",
            "en av verdiene er allerede i bruk".into(),
        ),
        ConflictKind::BrokenReference => (
            "broken-reference",
            "Ugyldig henvisning",
            "refererer til noe som ikke finnes eller er i bruk".into(),
        ),
        ConflictKind::Withdrawn => (
            "withdrawn",
            "Vurderingen er trukket tilbake",
            "vurderingen er trukket tilbake og kan ikke endres".into(),
        ),
        ConflictKind::AlreadyWithdrawn => (
            "already-withdrawn",
            "Allerede trukket tilbake",
            "vurderingen er allerede trukket tilbake".into(),
        ),
        ConflictKind::NoDraft => (
            "no-draft",
            "Ingen utkast",
            "vurderingen har ikke noe utkast å publisere".into(),
        ),
        ConflictKind::DraftUnchanged => (
            "draft-unchanged",
            "Ingenting nytt å publisere",
            "utkastet er likt siste publiserte versjon; endre det før ny publisering".into(),
        ),
        ConflictKind::OtherVendorsTool => (
            "other-vendors-tool",
            "Verktøyet tilhører en annen leverandør",
            "verktøyet tilhører en annen leverandør".into(),
        ),
        ConflictKind::SubmissionNotOpenForRevision => (
            "submission-not-open",
            "Innsendingen kan ikke endres nå",
            "bare en innsending der vurdereren har bedt om endringer kan sendes inn på nytt".into(),
        ),
        ConflictKind::SubmissionClosed => (
            "submission-closed",
            "Innsendingen er avsluttet",
            "innsendingen er godtatt eller avvist og tar ikke flere kommentarer".into(),
        ),
        ConflictKind::NothingToReassess => (
            "nothing-to-reassess",
            "Ingen vurdering å revurdere",
            "organisasjonen din har ingen publisert vurdering av verktøyet; start en ny vurdering"
                .into(),
        ),
        ConflictKind::SubmissionTransition { from, to } => (
            "submission-transition",
            "Ugyldig statusendring",
            format!("en innsending kan ikke gå fra «{from}» til «{to}»"),
        ),
        ConflictKind::AlreadyInInventory => (
            "already-in-inventory",
            "Verktøyet står allerede i oversikten",
            "organisasjonens verktøyoversikt har allerede en oppføring for dette verktøyet; endre den i stedet".into(),
        ),
        ConflictKind::NotInForce { in_force: Some((assessment, version)) } => (
            "not-in-force",
            "Versjonen gjelder ikke",
            format!(
                "bare konklusjonen som gjelder nå kan godkjennes: versjon {version} av vurderingen {assessment}"
            ),
        ),
        ConflictKind::NotInForce { in_force: None } => (
            "not-in-force",
            "Versjonen gjelder ikke",
            "ingen nasjonal konklusjon gjelder for verktøyet nå, så det er ingenting å godkjenne".into(),
        ),
        ConflictKind::NotProposable => (
            "not-proposable",
            "Kan ikke foreslås",
            "bare et lokalt verktøy som ikke er foreslått før, kan foreslås for registeret".into(),
        ),
        ConflictKind::LocalPartIncomplete { missing } => (
            "local-part-incomplete",
            "Den lokale delen er ikke ferdig",
            format!("{missing} vilkår i konklusjonen mangler lokal status; gi alle vilkår en status før godkjenning"),
        ),
        ConflictKind::SeedOrgNumberTaken { org_number } => (
            "taken",
            "Verdien er allerede i bruk",
            format!("organisasjonsnummer {org_number} finnes allerede under en annen id"),
        ),
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(entity) => {
                Problem::not_found(format!("{} finnes ikke", entity_nb(entity)))
            }
            StoreError::Conflict(kind) => {
                let (kind, title, detail) = conflict(&kind);
                Problem::new(StatusCode::CONFLICT, kind, title).detail(detail)
            }
            StoreError::Stale => Problem::stale(),
            StoreError::Invalid(v) => Problem::validation(v),
            StoreError::Busy => {
                tracing::warn!("database busy: write gave up waiting for its turn");
                Problem::unavailable("Mange skriver samtidig. Prøv igjen om et øyeblikk.")
                    .header("Retry-After", "1")
            }
            StoreError::Tampered { what } => {
                tracing::error!(%what, "stored content does not match its hash; not served");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "integrity",
                    "Lagret innhold er endret",
                )
                .detail(
                    "Innholdet stemmer ikke med sin kontrollsum og vises derfor ikke. \
                     Feilen er logget.",
                )
            }
            StoreError::Connection(m) => {
                tracing::error!(error = %m, "database unavailable");
                Problem::unavailable("Databasen svarer ikke akkurat nå. Prøv igjen om litt.")
                    .header("Retry-After", "5")
            }
            other => {
                tracing::error!(error = %other, "store error");
                Problem::internal()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_have_distinct_types_and_no_database_text() {
        let kinds = [
            ConflictKind::Taken {
                field: Some("slug"),
            },
            ConflictKind::BrokenReference,
            ConflictKind::Withdrawn,
            ConflictKind::AlreadyWithdrawn,
            ConflictKind::NoDraft,
            ConflictKind::DraftUnchanged,
            ConflictKind::OtherVendorsTool,
            ConflictKind::SubmissionNotOpenForRevision,
            ConflictKind::SubmissionClosed,
            ConflictKind::NothingToReassess,
            ConflictKind::AlreadyInInventory,
            ConflictKind::NotInForce { in_force: None },
            ConflictKind::LocalPartIncomplete { missing: 1 },
            ConflictKind::NotProposable,
            ConflictKind::SubmissionTransition {
                from: "accepted",
                to: "rejected",
            },
        ];
        let types: std::collections::HashSet<String> = kinds
            .iter()
            .map(|k| Problem::from(StoreError::Conflict(k.clone())).problem_type)
            .collect();
        assert_eq!(types.len(), kinds.len());
        let p = Problem::from(StoreError::Conflict(kinds[0].clone()));
        assert_eq!(p.status, 409);
        assert!(p.detail.as_deref().is_some_and(|d| d.contains("«slug»")));
        let missing = Problem::from(StoreError::NotFound(Entity::Tool));
        assert_eq!(missing.detail.as_deref(), Some("verktøyet finnes ikke"));
    }
}
