//! How the API shows a tool: the store's read model (tool, vendor, verdict
//! in force) with the verdict summarised as a municipality needs it.

use crate::problem::Problem;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use toolreg_core::condition::Condition;
use toolreg_core::tool::Tool;
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
use toolreg_store::read_model::{self, ToolView};
use toolreg_store::DbConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorRef {
    pub id: Uuid,
    pub name: String,
}

/// The verdict in force, as a municipality needs it at a glance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerdictSummary {
    pub assessment_id: Uuid,
    pub version: i32,
    pub level: VerdictLevel,
    /// The level in Norwegian, for people.
    pub level_label: String,
    pub summary: String,
    pub published_at: DateTime<Utc>,
    pub review_due: Option<NaiveDate>,
    /// The review date has passed: the verdict may no longer reflect the
    /// tool, its terms or its subprocessors.
    pub review_overdue: bool,
    pub mandatory_conditions: Vec<Condition>,
}

impl VerdictSummary {
    pub fn of(v: &VerdictVersion, today: NaiveDate) -> Self {
        Self {
            assessment_id: v.assessment_id,
            version: v.version,
            level: v.content.level,
            level_label: v.content.level.label_nb().to_string(),
            summary: v.content.summary.clone(),
            published_at: v.published_at,
            review_due: v.content.review_due,
            review_overdue: v.content.review_due.is_some_and(|due| due < today),
            mandatory_conditions: v.content.mandatory_conditions().cloned().collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolBody {
    #[serde(flatten)]
    pub tool: Tool,
    pub vendor: VendorRef,
    /// Absent when no verdict is in force (never assessed, or withdrawn).
    pub current_verdict: Option<VerdictSummary>,
    /// How many municipalities and counties have the tool in use in their
    /// inventory; present only when at least 5 do, and never which.
    pub municipalities_using: Option<i64>,
    pub links: ToolLinks,
}

/// Where people read the tool: its page in the web catalogue and its
/// Atom feed (paths from the service's root).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolLinks {
    pub page: String,
    pub feed: String,
}

impl ToolBody {
    fn of(view: ToolView, today: NaiveDate) -> Self {
        Self {
            vendor: VendorRef {
                id: view.tool.input.vendor_id,
                name: view.vendor_name,
            },
            current_verdict: view
                .current_verdict
                .as_ref()
                .map(|v| VerdictSummary::of(v, today)),
            municipalities_using: view.municipalities_using,
            links: ToolLinks {
                page: crate::links::tool_page(&view.tool.input.slug),
                feed: crate::links::tool_feed(&view.tool.input.slug),
            },
            tool: view.tool,
        }
    }
}

/// The body of a tool just read or written.
pub fn tool_body(conn: &mut DbConnection, t: Tool) -> Result<ToolBody, Problem> {
    Ok(body_of(read_model::tool_view(conn, &t)?))
}

/// The body of a tool by id or slug: one statement.
pub fn tool_body_by_key(conn: &mut DbConnection, key: &str) -> Result<ToolBody, Problem> {
    Ok(body_of(read_model::by_key(conn, key)?))
}

fn body_of(view: ToolView) -> ToolBody {
    ToolBody::of(view, Utc::now().date_naive())
}

/// Bodies for views read together (a page of tools).
pub fn tool_bodies(views: Vec<ToolView>) -> Vec<ToolBody> {
    let today = Utc::now().date_naive();
    views.into_iter().map(|v| ToolBody::of(v, today)).collect()
}
