// Accessibility check of kokoon's public web page: every page given is opened in the system
// Chromium (puppeteer-core, nothing downloaded) at phone and desktop widths, and axe-core
// runs the WCAG 2.0/2.1 A and AA rules on it. Prints each violation; exits 1 if there is any.
//
//   node axe.mjs http://127.0.0.1:8080 /fi /sv/professionals ...
//
// The browser is KOKOON_CHROMIUM or /usr/bin/chromium.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error("usage: node axe.mjs BASE_URL PATH...");
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.KOKOON_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let violations = 0;
try {
  const page = await browser.newPage();
  // The pages allow no scripts (CSP); axe is injected past it, as a tester's tool.
  await page.setBypassCSP(true);
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    await page.setViewport({ width, height });
    for (const path of paths) {
      const response = await page.goto(base + path, { waitUntil: "load" });
      if (!response || response.status() !== 200) {
        console.log(`${path}: HTTP ${response && response.status()}`);
        violations += 1;
        continue;
      }
      await page.evaluate(axeSource);
      const result = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        }),
      );
      for (const v of result.violations) {
        violations += 1;
        console.log(`${path} at ${width}px: ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 5)) {
          console.log(`    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`);
        }
      }
      console.log(`${path} at ${width}px: ${result.passes.length} rules pass, ${result.violations.length} violations`);
    }
  }
} finally {
  await browser.close();
}
process.exit(violations === 0 ? 0 : 1);
