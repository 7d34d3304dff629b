//! Command line: `toolreg [serve|migrate|seed|reindex|check-config|token|audit|export-openapi]`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "toolreg",
    version,
    about = "Nasjonalt register over vurderte læringsverktøy"
)]
pub struct Cli {
    /// TOML configuration file (also TOOLREG_CONFIG). Environment variables win over it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load sample data; loading twice adds nothing the second time.
    Seed {
        /// Directory with organisations.json, tools.json, subprocessors.json
        /// and assessments.json. Without it, the sample data built into the
        /// binary is used.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Rebuild the search index from the store (stop the service first on
    /// the embedded default), with progress and a summary.
    Reindex,
    /// Check the configuration and the database connection, then exit.
    CheckConfig,
    /// Mint a token with the local secret (development and examples).
    Token {
        /// Role(s): admin, reviewer, vendor, municipality. Repeat for several.
        #[arg(long = "role", required = true, value_name = "ROLE")]
        roles: Vec<String>,
        /// Organisation number the caller acts for.
        #[arg(long)]
        org: Option<String>,
        /// Subject (who).
        #[arg(long, default_value = "local-user")]
        sub: String,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write the OpenAPI document the code describes.
    ExportOpenapi {
        /// Where to write it.
        #[arg(long, default_value = "openapi/openapi.json", value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and every published verdict version against
    /// its publication entry; with --checkpoints, also hold checkpoints kept
    /// from GET /api/v1/audit/checkpoints against the chain. Names every
    /// problem and exits 1 if there is any.
    Verify {
        /// A JSON file of checkpoints (an array, or the API's list body).
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
        /// The public key to check them with (`x` from
        /// /.well-known/toolreg-audit-key); by default this deployment's.
        #[arg(long, value_name = "X")]
        public_key: Option<String>,
    },
    /// Sign the current head of the chain now (serve does it periodically).
    Checkpoint,
}
