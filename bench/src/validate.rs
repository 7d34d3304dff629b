//! Validation benchmark: how long the API's body step (parse, control
//! characters, caps, rules — all before a database connection is taken)
//! takes for the largest body each write route accepts, and for a body one
//! over a cap, against a ceiling measured in the same run: parsing the same
//! bytes into an untyped `serde_json::Value`.
//!
//!   validate-bench [--iterations N]      (bench/validate.sh writes the report)

mod bodies;

use clap::Parser;
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};
use toolreg_api::json_body::{parse, BODY_LIMIT};
use toolreg_core::assessment::{AssessmentInput, WithdrawInput};
use toolreg_core::organisation::OrganisationInput;
use toolreg_core::tool::ToolInput;
use toolreg_core::verdict::VerdictDraft;
use toolreg_core::Validate;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 300)]
    iterations: usize,
}

struct Timing {
    median: Duration,
    p99: Duration,
}

fn time(iterations: usize, mut f: impl FnMut()) -> Timing {
    for _ in 0..iterations / 10 + 1 {
        f();
    }
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    Timing {
        median: samples[samples.len() / 2],
        p99: samples[(samples.len() * 99 / 100).min(samples.len() - 1)],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Time one body through `parse::<T>`; returns a report row and whether the
/// outcome and the aim held.
fn row<T: serde::de::DeserializeOwned + Validate>(
    route: &str,
    case: &str,
    body: &Value,
    expect_accepted: bool,
    aim: Duration,
    iterations: usize,
) -> (String, bool) {
    let bytes = body.to_string().into_bytes();
    let accepted = parse::<T>(&bytes).is_ok();
    let ours = time(iterations, || {
        let _ = black_box(parse::<T>(black_box(&bytes)));
    });
    let ceiling = time(iterations, || {
        let _ = black_box(serde_json::from_slice::<Value>(black_box(&bytes)));
    });
    let typed = time(iterations, || {
        let _ = black_box(serde_json::from_slice::<T>(black_box(&bytes)));
    });
    let validate_only = serde_json::from_slice::<T>(&bytes).ok().map(|v| {
        time(iterations, || {
            let _ = black_box(black_box(&v).validate());
        })
    });
    let ratio = ceiling.median.as_secs_f64() / ours.median.as_secs_f64().max(1e-12);
    let ok = accepted == expect_accepted && ours.p99 < aim;
    (
        format!(
            "| {route} | {case} | {} | {} | {} | {} | {} | {} | {} | {:.2} | < {} ms: {} |",
            bytes.len(),
            if accepted { "accepted" } else { "refused" },
            ms(ours.median),
            ms(ours.p99),
            ms(typed.median),
            validate_only.map_or("–".to_string(), |t| ms(t.median)),
            ms(ceiling.median),
            ratio,
            aim.as_millis(),
            if ok { "yes" } else { "**no**" }
        ),
        ok,
    )
}

fn main() {
    let args = Args::parse();
    let n = args.iterations;
    let vendor = "0190f3a4-1c2b-7d3e-8f40-000000000001";
    let accept = Duration::from_millis(10);
    let refuse = Duration::from_millis(1);
    let tool = bodies::largest_tool(vendor);
    let draft = bodies::largest_draft(BODY_LIMIT);
    let assessment = bodies::largest_assessment(vendor);
    let rows = [
        row::<ToolInput>(
            "POST/PUT /tools",
            "largest accepted",
            &tool,
            true,
            accept,
            n,
        ),
        row::<ToolInput>(
            "POST/PUT /tools",
            "one over (categories)",
            &bodies::one_over(&tool, "/categories"),
            false,
            refuse,
            n,
        ),
        row::<OrganisationInput>(
            "POST/PUT /organisations",
            "largest accepted",
            &bodies::largest_organisation(),
            true,
            accept,
            n,
        ),
        row::<AssessmentInput>(
            "POST /assessments",
            "largest accepted",
            &assessment,
            true,
            accept,
            n,
        ),
        row::<AssessmentInput>(
            "POST /assessments",
            "one over (tool_ids)",
            &bodies::one_over(&assessment, "/tool_ids"),
            false,
            refuse,
            n,
        ),
        row::<VerdictDraft>(
            "PUT /assessments/{id}/draft",
            "largest accepted (size limit)",
            &draft,
            true,
            accept,
            n,
        ),
        row::<VerdictDraft>(
            "PUT /assessments/{id}/draft",
            "one over (conditions), 1 MiB",
            &bodies::one_over(&draft, "/conditions"),
            false,
            refuse,
            n,
        ),
        // The worst case: the over-cap list is the last thing in a body at
        // the size limit, so everything before it is parsed first.
        row::<VerdictDraft>(
            "PUT /assessments/{id}/draft",
            "one over (last list), 1 MiB",
            &bodies::one_over(&draft, "/subprocessor_revisions"),
            false,
            refuse,
            n,
        ),
        row::<WithdrawInput>(
            "POST /assessments/{id}/withdraw",
            "largest accepted",
            &bodies::largest_withdrawal(),
            true,
            accept,
            n,
        ),
    ];
    println!("| route | body | bytes | outcome | median ms | p99 ms | typed parse alone ms | rules alone ms | ceiling median ms | ratio (ceiling/ours) | aim met |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut all_ok = true;
    for (line, ok) in rows {
        println!("{line}");
        all_ok &= ok;
    }
    if !all_ok {
        std::process::exit(1);
    }
}
