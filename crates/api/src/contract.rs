//! What the OpenAPI document says beyond the derives, so that it describes
//! the wire exactly:
//!
//! - flattened types (`#[serde(flatten)]`) come out of utoipa as `allOf`,
//!   where a member refusing unknown properties would reject its siblings'
//!   fields; they are merged into one object instead, and request bodies
//!   (all of which refuse unknown fields) say so;
//! - the caps on every input list and text, from `toolreg_core::caps`;
//! - the error responses every operation can give because of the layers
//!   around it (bad request, bad token, missing right, rate limit, busy
//!   database, body size and type, preconditions).

use serde_json::{json, Map, Value};
use toolreg_core::caps::{Cap, FIELD_CAPS};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Apply every rule to a document produced by utoipa.
pub fn complete(doc: &mut Value) {
    // Caps before merging, so merged copies (a draft's verdict fields)
    // carry them, and after, for fields only the merged type has.
    apply_caps(doc);
    merge_all_of(doc);
    mark_request_bodies_strict(doc);
    apply_caps(doc);
    forbid_control_characters(doc);
    add_error_responses(doc);
}

fn schema<'a>(doc: &'a Value, name: &str) -> Option<&'a Value> {
    doc.pointer(&format!("/components/schemas/{name}"))
}

/// The object a schema node stands for, with `allOf` members (and the
/// components they refer to) merged; `None` when a member is not an object.
fn merged(doc: &Value, node: &Value, depth: usize) -> Option<Map<String, Value>> {
    if depth > 8 {
        return None;
    }
    if let Some(target) = node.get("$ref").and_then(Value::as_str) {
        let name = target.strip_prefix(SCHEMA_PREFIX)?;
        return merged(doc, schema(doc, name)?, depth + 1);
    }
    let mut out = Map::new();
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut take = |obj: &Map<String, Value>| {
        if let Some(p) = obj.get("properties").and_then(Value::as_object) {
            properties.extend(p.clone());
        }
        for r in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
    };
    if let Some(members) = node.get("allOf").and_then(Value::as_array) {
        for m in members {
            take(&merged(doc, m, depth + 1)?);
        }
    } else if node.get("type").and_then(Value::as_str) == Some("object") {
        take(node.as_object()?);
    } else {
        return None;
    }
    out.insert("type".into(), json!("object"));
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    out.insert("properties".into(), Value::Object(properties));
    Some(out)
}

/// Replace every `allOf` of objects, anywhere in the document, by the
/// merged object; its own description and other notes are kept.
fn merge_all_of(doc: &mut Value) {
    let snapshot = doc.clone();
    walk_mut(doc, &mut |node| {
        let Some(obj) = node.as_object_mut() else {
            return;
        };
        if !obj.contains_key("allOf") {
            return;
        }
        let Some(merged) = merged(&snapshot, &Value::Object(obj.clone()), 0) else {
            return;
        };
        obj.remove("allOf");
        obj.extend(merged);
    });
}

fn walk_mut(node: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(node);
    match node {
        Value::Object(map) => map.values_mut().for_each(|v| walk_mut(v, f)),
        Value::Array(items) => items.iter_mut().for_each(|v| walk_mut(v, f)),
        _ => {}
    }
}

/// Tagged enums of request bodies whose variants refuse fields they do not
/// know (`#[serde(deny_unknown_fields)]`); utoipa leaves their inline
/// variant objects open.
const STRICT_VARIANTS: &[&str] = &[
    "Channel",
    "SubscriptionScope",
    "InventoryTool",
    "ProcessingAgreement",
    "SubmissionContent",
];

/// Every request body refuses fields it does not know.
fn mark_request_bodies_strict(doc: &mut Value) {
    for name in STRICT_VARIANTS {
        for variant in doc
            .pointer_mut(&format!("/components/schemas/{name}/oneOf"))
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if variant["type"] == "object" {
                variant["additionalProperties"] = json!(false);
            }
        }
    }
    let mut names = Vec::new();
    for op in operations(doc) {
        let target = op
            .pointer("/requestBody/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SCHEMA_PREFIX));
        if let Some(name) = target {
            names.push(name.to_string());
        }
    }
    for name in names {
        if let Some(s) = doc
            .pointer_mut(&format!("/components/schemas/{name}"))
            .and_then(Value::as_object_mut)
        {
            s.insert("additionalProperties".into(), json!(false));
        }
    }
}

fn operations(doc: &Value) -> Vec<&Value> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .collect()
}

/// Write each cap into its property; returns the caps whose property the
/// document does not have (a test keeps that list empty).
pub fn apply_caps(doc: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for c in FIELD_CAPS {
        let pointer = format!(
            "/components/schemas/{}/properties/{}",
            c.schema,
            c.field.replace('~', "~0").replace('/', "~1")
        );
        let field = c.field.replace('~', "~0").replace('/', "~1");
        // A tagged enum's field lives in the variant that has it.
        let in_variant = doc
            .pointer(&format!("/components/schemas/{}/oneOf", c.schema))
            .and_then(Value::as_array)
            .and_then(|vs| {
                vs.iter()
                    .position(|v| v["properties"].get(c.field).is_some())
            })
            .map(|i| {
                format!(
                    "/components/schemas/{}/oneOf/{i}/properties/{field}",
                    c.schema
                )
            });
        let pointer = if doc.pointer(&pointer).is_some() {
            pointer
        } else {
            in_variant.unwrap_or(pointer)
        };
        let Some(property) = doc.pointer_mut(&pointer) else {
            missing.push(format!("{}.{}", c.schema, c.field));
            continue;
        };
        let target = non_null_member(property);
        match c.cap {
            Cap::Chars(n) => set(target, "maxLength", n),
            Cap::Items(n) => set(target, "maxItems", n),
            Cap::ItemsOfChars(items, chars) => {
                set(target, "maxItems", items);
                if let Some(item) = target.get_mut("items") {
                    set(item, "maxLength", chars);
                }
            }
        }
    }
    missing
}

/// `Option<T>` comes out as `oneOf: [T, null]`; the cap belongs on `T`.
fn non_null_member(property: &mut Value) -> &mut Value {
    let is_one_of = property.get("oneOf").and_then(Value::as_array).is_some();
    if !is_one_of {
        return property;
    }
    let index = property
        .get("oneOf")
        .and_then(Value::as_array)
        .and_then(|m| m.iter().position(|v| v.get("type") != Some(&json!("null"))));
    match index {
        Some(i) => &mut property["oneOf"][i],
        None => property,
    }
}

fn set(node: &mut Value, key: &str, n: usize) {
    if let Some(obj) = node.as_object_mut() {
        obj.insert(key.into(), json!(n));
    }
}

/// Text without the control characters `request_guard` and `json_text`
/// refuse: tab and line breaks are allowed in bodies and query values.
const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// Path segments: no control characters at all.
const PATH_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

fn is_free_text(schema: &Value) -> bool {
    let is_string = match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    is_string
        && schema.get("format").is_none()
        && schema.get("enum").is_none()
        && schema.get("pattern").is_none()
}

/// Say in the document which characters text may hold: every free text of
/// a request body and every text parameter.
fn forbid_control_characters(doc: &mut Value) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let mut strict_objects: Vec<&mut Value> = Vec::new();
        for s in schemas.values_mut() {
            if s.get("additionalProperties") == Some(&json!(false)) {
                strict_objects.push(s);
            } else if let Some(variants) = s.get_mut("oneOf").and_then(Value::as_array_mut) {
                strict_objects.extend(
                    variants
                        .iter_mut()
                        .filter(|v| v.get("additionalProperties") == Some(&json!(false))),
                );
            }
        }
        for s in strict_objects {
            let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for p in props.values_mut() {
                let target = non_null_member(p);
                let target = if target["type"] == "array" {
                    &mut target["items"]
                } else {
                    target
                };
                if is_free_text(target) {
                    target["pattern"] = json!(TEXT_PATTERN);
                }
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut() {
            for p in op
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let pattern = match p["in"].as_str() {
                    Some("path") => PATH_PATTERN,
                    Some("query") => TEXT_PATTERN,
                    _ => continue,
                };
                if let Some(schema) = p.get_mut("schema") {
                    // A repeatable parameter's values are its items.
                    let target = if schema["type"] == "array" {
                        &mut schema["items"]
                    } else {
                        schema
                    };
                    if is_free_text(target) {
                        target["pattern"] = json!(pattern);
                    }
                }
            }
        }
    }
}

/// The shared error responses, defined once under `components/responses`.
fn shared_responses() -> Value {
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        })
    };
    let with_header = |mut r: Value, name: &str, description: &str| {
        r["headers"] = json!({ name: {"description": description, "schema": {"type": "string"}} });
        r
    };
    json!({
        "BadRequest": problem("Ugyldig forespørsel: parameter, adresse eller innhold som ikke kan leses"),
        "Unauthorized": with_header(
            problem("Ugyldig eller utløpt token"),
            "WWW-Authenticate",
            "Bearer error=\"invalid_token\"",
        ),
        "Forbidden": problem("Tokenet gir ikke rett til dette"),
        "CanonicalSlug": {
            "description": "Slugs are lower case: the same address with the slug in lower case",
            "headers": {"Location": {"description": "The canonical address", "schema": {"type": "string"}}}
        },
        "PayloadTooLarge": problem("Innholdet er for stort"),
        "UnsupportedMediaType": problem("Innholdet er ikke JSON"),
        "PreconditionFailed": problem("If-Match er utdatert: ressursen er endret"),
        "PreconditionRequired": problem("If-Match mangler"),
        "TooManyRequests": with_header(
            problem("For mange forespørsler fra denne klienten"),
            "Retry-After",
            "Sekunder til neste forsøk",
        ),
        "ServiceUnavailable": with_header(
            problem("Databasen er opptatt eller utilgjengelig; prøv igjen"),
            "Retry-After",
            "Sekunder til neste forsøk",
        ),
    })
}

fn add_error_responses(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let has_body = op.get("requestBody").is_some();
            let has_if_match = op
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            let protected = op.get("security").is_some();
            let uses_database =
                path.starts_with("/api/v1/") && path != "/api/v1/openapi.json" || path == "/readyz";
            let mut add = |code: &str, name: &str| {
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    responses.entry(code.to_string()).or_insert_with(
                        || json!({"$ref": format!("#/components/responses/{name}")}),
                    );
                }
            };
            if path.starts_with("/api/v1/") {
                add("400", "BadRequest");
            }
            add("401", "Unauthorized");
            if protected {
                add("403", "Forbidden");
            }
            if has_body {
                add("413", "PayloadTooLarge");
                add("415", "UnsupportedMediaType");
            }
            if has_if_match {
                add("412", "PreconditionFailed");
                add("428", "PreconditionRequired");
            }
            add("429", "TooManyRequests");
            if uses_database {
                add("503", "ServiceUnavailable");
            }
            if path.contains("{id_or_slug}") && !has_body {
                add("308", "CanonicalSlug");
            }
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("responses".into(), shared_responses());
    }
}
