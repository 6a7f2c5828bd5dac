// Opens a sweetspot HTML report in real headless Chromium (Debian's) with the
// network cut, as a person would: light, dark, and at phone width. Checks what
// the page must show against the result JSON it was rendered from, keeps
// screenshots, and exits non-zero naming every failed check.
//
//   node check_report.mjs REPORT.html RESULT.json ARTIFACT_DIR
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [htmlPath, jsonPath, outDir] = process.argv.slice(2);
if (!htmlPath || !jsonPath || !outDir) {
  console.error('usage: node check_report.mjs REPORT.html RESULT.json ARTIFACT_DIR');
  process.exit(2);
}
const result = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
const sizes = result.sweetspot.sizes;
const measured = sizes.filter((s) => s.successes > 0);
const withCold = measured.filter((s) => s.coldDurationMs.count > 0);
const usable = measured.filter((s) => s.feasible);
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

fs.mkdirSync(outDir, { recursive: true });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweetspot-chromium-'));
const fileUrl = pathToFileURL(path.resolve(htmlPath)).href;
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.SWEETSPOT_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  offline: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1100, height: 900 },
});
const requests = [];
const consoleErrors = [];
// Nothing but the file itself may load: everything else is recorded and refused.
await context.route('**/*', (route) => {
  const url = route.request().url();
  return url === fileUrl ? route.continue() : route.abort();
});
context.on('request', (r) => requests.push(r.url()));

async function open(viewport, colorScheme) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme });
  await page.goto(fileUrl, { waitUntil: 'load' });
  return page;
}

try {
  // Desktop, light.
  const page = await open({ width: 1100, height: 900 }, 'light');
  const count = (selector) => page.locator(selector).count();
  check((await count('#duration-chart .pt[data-series=p50]')) === measured.length,
    `duration chart: one p50 point per measured size (${measured.length})`);
  check((await count('#cost-chart .pt[data-series=cost]')) === measured.length,
    `cost chart: one point per measured size (${measured.length})`);
  check((await count('#pareto-chart .pt[data-series=pareto]')) === usable.length,
    `Pareto chart: one point per usable size (${usable.length})`);
  if (!result.sweetspot.run.coldStarts && withCold.length > 0) {
    check((await count('#cold-chart .pt[data-series=cold]')) === withCold.length,
      `cold chart: one point per size with a cold start (${withCold.length})`);
  }
  check((await count('#statistics tbody tr')) === sizes.length, `statistics table: a row per size (${sizes.length})`);
  const headline = result.sweetspot.recommendation.headline;
  const recText = await page.locator('#recommendation').innerText();
  check(recText.includes(headline), `the recommendation sentence is shown: ${headline}`);
  if (result.power !== null) {
    for (const chart of ['duration-chart', 'cost-chart', 'pareto-chart']) {
      check((await count(`#${chart} .pt.recommended[data-memory="${result.power}"]`)) === 1,
        `${chart}: the recommended ${result.power} MB is marked`);
    }
  }
  for (const s of sizes.filter((s) => s.host.cpuCappedByHost && s.successes > 0)) {
    check((await count(`#duration-chart .pt.capped[data-memory="${s.memoryMb}"]`)) === 1,
      `host-capped ${s.memoryMb} MB is drawn differently`);
  }
  for (const s of sizes.filter((s) => !s.feasible)) {
    check((await count(`#duration-chart .pt.infeasible[data-memory="${s.memoryMb}"]`)) === 1,
      `infeasible ${s.memoryMb} MB is drawn differently`);
  }
  // X-Ray trace parts: a stacked segment per top-level part per size, each with
  // its numbers on hover, the legend naming each part's verdict, and the sentence.
  const parts = (result.traceParts && result.traceParts.parts) || [];
  const stacked = parts.filter((p) => p.topLevel);
  if (parts.length > 0) {
    const segments = stacked.reduce((n, p) => n + p.sizes.length, 0);
    check((await count('#parts-chart .seg')) === segments,
      `parts chart: one segment per part per size (${segments})`);
    const drawn = await page.$$eval('#parts-chart .seg', (els) => els.map((e) => ({
      part: e.dataset.part,
      memoryMb: Number(e.dataset.memory),
      height: e.querySelector('rect').getBoundingClientRect().height,
      title: (e.querySelector('title') || {}).textContent || '',
    })));
    for (const p of stacked) {
      for (const at of p.sizes) {
        const mine = drawn.filter((d) => d.part === p.name && d.memoryMb === at.memoryMb);
        check(mine.length === 1, `parts chart: ${p.name} at ${at.memoryMb} MB drawn once (saw ${mine.length})`);
        if (mine.length !== 1) continue;
        check(at.p50Ms < 0.5 || mine[0].height > 0, `parts chart: ${p.name} at ${at.memoryMb} MB is visible`);
        check(mine[0].title.includes(p.name) && /p50 [0-9.,]+ ms/.test(mine[0].title),
          `parts chart: ${p.name} at ${at.memoryMb} MB has its numbers on hover: ${mine[0].title}`);
      }
      const legendText = await page.locator('#parts-chart-figure .legend').innerText();
      check(legendText.includes(`${p.name}: ${p.description}`), `parts legend: ${p.name} with its verdict`);
    }
    check((await count('#parts tbody tr')) === parts.length, `parts table: a row per part (${parts.length})`);
    const limiting = result.traceParts.limitingPart;
    if (limiting) {
      check((await page.locator('#limiting-part').innerText()).includes(limiting.sentence.replaceAll('`', '')),
        `the limiting part's sentence is shown: ${limiting.sentence}`);
    }
  }
  // Hover shows the point's numbers.
  const first = page.locator('#duration-chart .pt[data-series=p50]').first();
  const tip = first.locator('.tip');
  check(!(await tip.isVisible()), 'a tip is hidden until hovered');
  await first.hover();
  check(await tip.isVisible(), 'hovering a point shows its tip');
  const tipText = await tip.textContent();
  check(/MB/.test(tipText) && /p50 [0-9.,]+ ms/.test(tipText), `the tip has the point's numbers: ${tipText}`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(outDir, 'report-light.png'), fullPage: true });

  // Dark mode: the page follows prefers-color-scheme.
  const dark = await open({ width: 1100, height: 900 }, 'dark');
  const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  check(0.2126 * r + 0.7152 * g + 0.0722 * b < 60, `dark mode has a dark background (${bg})`);
  const fg = await dark.evaluate(() => getComputedStyle(document.querySelector('#duration-chart .tick')).fill);
  check(!/rgb\(0, 0, 0\)/.test(fg), `dark mode tick labels are not black (${fg})`);
  await dark.screenshot({ path: path.join(outDir, 'report-dark.png'), fullPage: true });

  // Phone width: nothing wider than the screen but the charts' and table's own scrollers.
  const phone = await open({ width: 390, height: 844 }, 'light');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 391, `phone width: the page does not scroll sideways (scrollWidth ${overflow})`);
  const fontSize = await phone.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#recommendation')).fontSize));
  check(fontSize >= 13, `phone width: text stays readable (${fontSize}px)`);
  check(await phone.locator('#recommendation').isVisible(), 'phone width: the recommendation is visible');
  await phone.screenshot({ path: path.join(outDir, 'report-phone.png'), fullPage: true });
} catch (e) {
  failures.push(`error: ${e.stack || e}`);
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

const others = requests.filter((u) => u !== fileUrl);
check(others.length === 0, `no request but the file itself (saw: ${others.join(', ')})`);
check(consoleErrors.length === 0, `no console errors (saw: ${consoleErrors.join(' | ')})`);
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${measured.length} sizes in every chart${result.traceParts ? ', trace parts stacked' : ''}, light, dark and phone screenshots in ${outDir}`);
