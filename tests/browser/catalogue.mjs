// The web catalogue in a real browser: Debian's headless chromium driven by
// puppeteer-core (which downloads nothing). A person's journey — search
// with a typo, narrow by a facet, open a tool, read its subprocessor tree,
// its history, compare two versions, read the verdict as of a past date,
// visit the vendor — with JavaScript on and again with it off; axe-core on
// every page type (no serious or critical violation may remain); a
// screenshot of each page type; and every page type's HTML through the Nu
// validator (no errors).
//
// Usage: node catalogue.mjs <base-url> <output-dir> [<record-path> <token>]
// With a record path and a municipality's bearer token, its printable
// record of processing is audited too, on screen and as printed.
// Prints a JSON report; exits 1 when any check failed.

import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const [base, out, recordPath, recordToken] = process.argv.slice(2);
if (!base || !out) {
  console.error("usage: node catalogue.mjs <base-url> <output-dir>");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const vnuJar = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build/dist/vnu.jar");

const failures = [];
const report = { pages: {}, journey: [], javascript_off: [], html: {} };
function check(ok, what, list = report.journey) {
  list.push({ what, ok });
  if (!ok) failures.push(what);
}

const browser = await puppeteer.launch({
  executablePath: process.env.TOOLREG_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

async function text(page, selector) {
  return page.$eval(selector, (el) => el.textContent.replace(/\s+/g, " ").trim());
}

async function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((el) => el.textContent.replace(/\s+/g, " ").trim()));
}

async function go(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
}

// axe-core on the page as it stands, then a full-page screenshot.
async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  report.pages[name] = {
    url: page.url(),
    violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })),
    passes: result.passes.length,
  };
  check(serious.length === 0, `axe: no serious or critical violation on the ${name} page (${serious.map((v) => v.id).join(", ")})`, []);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}

const page = await browser.newPage();
try {
await page.setViewport({ width: 1280, height: 900 });

// Start, and suggestions while typing (the one thing the script adds).
await page.goto(`${base}/`, { waitUntil: "load" });
await audit(page, "start");
await page.type("#q", "kah");
await page.waitForFunction(() => [...document.querySelectorAll("#forslag option")].some((o) => o.value === "Kahoot!"), { timeout: 5000 })
  .then(() => check(true, "suggestions offer Kahoot! after typing «kah»"))
  .catch(() => check(false, "suggestions offer Kahoot! after typing «kah»"));

// A search with a typo finds the tool.
await page.$eval("#q", (el) => { el.value = ""; });
await page.type("#q", "kahot");
await go(page, () => page.keyboard.press("Enter"));
const firstHits = await texts(page, ".hit h3");
check(firstHits[0] === "Kahoot!", `«kahot» finds Kahoot! first (got ${firstHits.slice(0, 3).join(" | ")})`);
await audit(page, "search");

// A facet narrows a search: only tools approved with conditions.
await page.$eval("#q", (el) => { el.value = ""; });
await go(page, () => page.click(".search-box button"));
const everything = await page.$eval("[role=status]", (el) => el.textContent);
await page.click('input[name="verdict_level"][value="approved_with_conditions"]');
await go(page, () => page.click(".facets button[type=submit]"));
const badges = await texts(page, ".hit .badge");
const narrowed = await page.$eval("[role=status]", (el) => el.textContent);
check(badges.length > 0 && badges.every((b) => b.includes("Godkjent med vilkår")), `the verdict facet leaves only «Godkjent med vilkår» (${narrowed} of ${everything})`);
check(page.url().includes("verdict_level=approved_with_conditions"), "the facet is in the address, so the result can be shared");
await page.type("#q", "padlet");
await go(page, () => page.click(".search-box button"));
check((await texts(page, ".hit h3"))[0] === "Padlet", "text and facet together find Padlet");

// The tool page, with its subprocessor tree.
await go(page, () => page.click(".hit h3 a"));
check((await text(page, "h1")) === "Padlet", "the hit opens the tool page");
const treeItems = await texts(page, ".tree li .sp-name");
check(treeItems.length > 0, `the subprocessor tree lists the chain (${treeItems.length} entries)`);
const thirdMarkers = await page.$$eval(".tree .third-country", (els) => els.length);
check(thirdMarkers > 0, "third countries are marked in words in the tree");
await audit(page, "tool");
await page.emulateMediaType("print");
const navHidden = await page.$eval("header.site nav", (el) => getComputedStyle(el).display === "none");
check(navHidden, "the print stylesheet leaves the navigation out");
await page.screenshot({ path: path.join(out, "tool-print.png"), fullPage: true });
await page.emulateMediaType(null);

// History, and what changed between the two versions.
await go(page, () => page.click('a[href$="/historikk"]'));
check((await text(page, "h1")).startsWith("Historikk for Padlet"), "the tool page links to its history");
const versions = await page.$$eval(".versions > li", (els) => els.length);
check(versions >= 2, `the history lists every version (${versions})`);
await audit(page, "history");
const options = await page.$$eval("#fra option", (els) => els.map((o) => o.value));
await page.select("#fra", options[options.length - 1]);
await page.select("#til", options[0]);
await go(page, () => page.click('form[action="#endringer"] button'));
const diff = await text(page, "#endringer");
check(diff.includes("Ikke anbefalt") && diff.includes("Godkjent med vilkår"), "the comparison shows the level going from «Ikke anbefalt» to «Godkjent med vilkår»");
await audit(page, "compare");

// What the verdict said on a past date.
await page.$eval("#dato", (el) => { el.value = "2024-06-01"; });
await go(page, () => page.click('form[action^="/verktoy/"] button'));
const verdictThen = await text(page, ".verdict .badge");
check(verdictThen.includes("Ikke anbefalt"), `on 1 June 2024 the verdict was «Ikke anbefalt» (${verdictThen})`);
check((await text(page, ".notice")).includes("1. juni 2024"), "the page says which date it shows");
await audit(page, "as-of");

// The vendor, the method, and a page that does not exist.
await go(page, () => page.click('.tool .meta a[href^="/leverandorer/"]'));
check((await text(page, "h1")).length > 0, "the tool page links to its vendor");
await audit(page, "vendor");
await page.goto(`${base}/om`, { waitUntil: "load" });
await audit(page, "about");
const missing = await page.goto(`${base}/verktoy/finnes-ikke`, { waitUntil: "load" });
check(missing.status() === 404, "an unknown tool is a 404 page");
await audit(page, "not-found");

// The municipality's record of processing, with its token: accessible on
// screen, and printed without the site's navigation.
if (recordPath && recordToken) {
  const auth = { Authorization: `Bearer ${recordToken}` };
  const record = await browser.newPage();
  await record.setExtraHTTPHeaders(auth);
  const answer = await record.goto(`${base}${recordPath}`, { waitUntil: "load" });
  check(answer.status() === 200, "the record of processing opens with the municipality's token");
  check((await text(record, "h1")) === "Protokoll over behandlingsaktiviteter", "the record has its heading");
  check((await record.$$("main section")).length >= 5, "one section per tool in use");
  await audit(record, "processing-record");
  await record.emulateMediaType("print");
  const navShown = await record.$eval("header.site nav", (n) => getComputedStyle(n).display !== "none");
  check(!navShown, "printed without the site's navigation");
  const pdf = await record.pdf({ format: "A4" });
  check(pdf.length > 1000, "the record prints to PDF");
  const anonymous = await fetch(`${base}${recordPath}`);
  check(anonymous.status === 401, "the record needs a token");
  writeFileSync(path.join(out, "processing-record.html"), await (await fetch(`${base}${recordPath}`, { headers: auth })).text());
  await record.close();
}

// The same journey with JavaScript off: plain forms and links.
const plain = await browser.newPage();
await plain.setJavaScriptEnabled(false);
const off = (ok, what) => check(ok, what, report.javascript_off);
await plain.goto(`${base}/`, { waitUntil: "load" });
await plain.type("#q", "kahot");
await go(plain, () => plain.click(".search-box button"));
off((await texts(plain, ".hit h3"))[0] === "Kahoot!", "search with a typo");
await plain.$eval("#q", (el) => { el.value = "padlet"; });
await plain.click('input[name="verdict_level"][value="approved_with_conditions"]');
await go(plain, () => plain.click(".facets button[type=submit]"));
off((await texts(plain, ".hit .badge")).every((b) => b.includes("Godkjent med vilkår")), "a facet");
await go(plain, () => plain.click(".hit h3 a"));
off((await text(plain, "h1")) === "Padlet", "opening a tool");
off((await plain.$$eval(".tree li", (els) => els.length)) > 0, "the subprocessor tree");
await go(plain, () => plain.click('a[href$="/historikk"]'));
const plainOptions = await plain.$$eval("#fra option", (els) => els.map((o) => o.value));
await plain.select("#fra", plainOptions[plainOptions.length - 1]);
await plain.select("#til", plainOptions[0]);
await go(plain, () => plain.click('form[action="#endringer"] button'));
off((await text(plain, "#endringer")).includes("Ikke anbefalt"), "comparing two versions");
await plain.$eval("#dato", (el) => { el.value = "2024-06-01"; });
await go(plain, () => plain.click('form[action^="/verktoy/"] button'));
off((await text(plain, ".verdict .badge")).includes("Ikke anbefalt"), "the verdict on a past date");

// The HTML of every page type, through the Nu validator.
const pageTypes = {
  start: "/",
  search: "/sok?q=kahot&verdict_level=approved_with_conditions",
  tool: "/verktoy/padlet",
  "as-of": "/verktoy/padlet?dato=2024-06-01",
  history: "/verktoy/padlet/historikk",
  about: "/om",
  "not-found": "/verktoy/finnes-ikke",
};
const saved = [];
for (const [name, address] of Object.entries(pageTypes)) {
  const response = await fetch(`${base}${address}`);
  const file = path.join(out, `${name}.html`);
  writeFileSync(file, await response.text());
  saved.push(file);
}
const compareAddress = await page.goto(`${base}/verktoy/padlet/historikk`).then(() => page.$$eval("#fra option", (els) => els.map((o) => o.value)));
const compare = await fetch(`${base}/verktoy/padlet/historikk?fra=${encodeURIComponent(compareAddress[compareAddress.length - 1])}&til=${encodeURIComponent(compareAddress[0])}`);
writeFileSync(path.join(out, "compare.html"), await compare.text());
saved.push(path.join(out, "compare.html"));
const vendorHref = await page.goto(`${base}/verktoy/padlet`).then(() => page.$eval('.tool .meta a[href^="/leverandorer/"]', (a) => a.getAttribute("href")));
writeFileSync(path.join(out, "vendor.html"), await (await fetch(`${base}${vendorHref}`)).text());
saved.push(path.join(out, "vendor.html"));
if (recordPath && recordToken) saved.push(path.join(out, "processing-record.html"));
const vnu = spawnSync("java", ["-jar", vnuJar, "--format", "json", "--stdout", ...saved], { encoding: "utf8" });
if (vnu.error) {
  check(false, `the Nu validator ran (${vnu.error.message})`, []);
} else {
  const messages = JSON.parse(vnu.stdout || "{\"messages\":[]}").messages;
  for (const file of saved) {
    const errors = messages.filter((m) => m.type === "error" && m.url && m.url.endsWith(path.basename(file)));
    report.html[path.basename(file)] = errors.map((e) => `${e.lastLine}: ${e.message}`);
    check(errors.length === 0, `valid HTML: ${path.basename(file)} (${errors.length} errors)`, []);
  }
}

} catch (e) {
  failures.push(`the journey stopped: ${e.message}`);
}
await browser.close();
report.failures = failures;
console.log(JSON.stringify(report, null, 2));
process.exit(failures.length === 0 ? 0 : 1);
