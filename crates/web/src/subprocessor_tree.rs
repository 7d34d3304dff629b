//! The subprocessor chain as nested lists: who processes the data under
//! whom, where, on what transfer basis, with every third country marked in
//! words (not by colour). Each node is rendered by its own small template
//! (escaping as every template does) and its children are placed inside
//! it, so the nesting needs no recursion in a template.

use crate::nb;
use askama::Template;
use toolreg_api::Problem;
use toolreg_core::subprocessor::{build_tree, SubprocessorEntry, SubprocessorNode};

#[derive(Template)]
#[template(path = "nb/subprocessor_node.html")]
struct NodeTemplate<'a> {
    name: &'a str,
    country: String,
    role: &'static str,
    purpose: &'a str,
    mechanism: &'static str,
    /// Third countries this entry processes data in, in words.
    third_countries: String,
    data_categories: String,
    /// The children's rendered items.
    children: String,
}

fn render_node(node: &SubprocessorNode) -> Result<String, Problem> {
    let mut children = String::new();
    for child in &node.children {
        children.push_str(&render_node(child)?);
    }
    let e = &node.entry;
    crate::page::render(&NodeTemplate {
        name: &e.name,
        country: nb::country(&e.country),
        role: nb::subprocessor_role(e.role),
        purpose: &e.purpose,
        mechanism: nb::transfer_mechanism(e.transfer_mechanism),
        third_countries: node
            .third_countries
            .iter()
            .map(|c| nb::country(c))
            .collect::<Vec<_>>()
            .join(", "),
        data_categories: e.data_categories.join(", "),
        children,
    })
}

/// The list items of the whole chain (roots first, in list order).
pub fn render(entries: &[SubprocessorEntry]) -> Result<String, Problem> {
    let mut out = String::new();
    for root in build_tree(entries) {
        out.push_str(&render_node(&root)?);
    }
    Ok(out)
}
