// Browser test of the web page: Debian's chromium driven by playwright-core
// (no browser download). Asks a question through the page and checks the
// answer, uses the tabs by keyboard, opens a matrix cell's explanation,
// filters the rules, and saves screenshots. Run by tests/server/test_browser.sh.
//   node browser_check.mjs BASE_URL SCREENSHOT_DIR [REGISTRY_URL]
// REGISTRY_URL: a server with a seeded registry, for the Registry tab
// (web/registry.js) at desktop width and at 390 px.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shots, regBase] = process.argv.slice(2);
let pass = 0, fail = 0;
const expect = (cond, msg) => { if (cond) pass++; else { fail++; console.error('FAIL: ' + msg); } };

const profile = mkdtempSync(join(tmpdir(), 'kf-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const errors = [];
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 422')) errors.push(m.text()); }); // the 422 is the deliberate unknown service below
  page.setDefaultTimeout(15000);

  await page.goto(base + '/');
  await page.waitForSelector('body[data-ready="true"]');
  expect((await page.textContent('#rulebook-line')).includes('mini'), 'rulebook line names the rulebook');
  expect(await page.locator('#service-list option').count() >= 10, 'service picker has the catalogue');

  // Ask: 50% against "below 50%" exceeds the cap; 49.5% is permitted.
  await page.fill('#ask-service', 'ip-vpn');
  await page.fill('#ask-region', 'Hangzhou');
  await page.fill('#ask-date', '2025-05-01');
  await page.fill('#ask-share', '50');
  await page.click('#ask-form button[type="submit"]');
  await page.waitForSelector('#answer:not([hidden]) .badge');
  let badge = await page.textContent('#answer .badge');
  expect(badge === 'Exceeds the cap', `badge says "${badge}", expected "Exceeds the cap"`);
  let answer = await page.textContent('#answer');
  expect(answer.includes('below 50%'), 'answer gives the cap "below 50%"');
  expect(answer.includes('pilot-ipvpn-cap'), 'answer names the binding measure');
  expect(answer.includes('permitted at a foreign share below 50%'), 'answer says what would change it');
  expect(await page.locator('#answer a[href="https://example.org/b"]').count() >= 1, 'citations are links');
  // issue 9 "Citations": each link says in words whether it is the official text
  const marks = await page.locator('#answer .citations .tag').allTextContents();
  expect(marks.length >= 1 && marks.every((t) => t === 'official' || t === 'mirror'), `citations are marked official or mirror (${marks.join(', ')})`);
  expect((await page.textContent('#answer .citations li:has(a[href="https://example.org/b"])')).includes('mirror'), 'the mirror is marked "mirror"');
  expect(answer.includes('杭州市'), 'Chinese place name shown beside');
  await page.screenshot({ path: join(shots, 'browser-ask.png'), fullPage: true });

  await page.fill('#ask-share', '49.5');
  await page.keyboard.press('Enter'); // submit by keyboard
  await page.waitForFunction(() => document.querySelector('#answer .badge')?.textContent === 'Permitted');
  expect(true, 'Enter submits; 49.5% is permitted');

  // An unknown service names the nearest known ones.
  await page.fill('#ask-service', 'ipvnp');
  await page.click('#ask-form button[type="submit"]');
  await page.waitForSelector('#ask-error:not([hidden])');
  const err = await page.textContent('#ask-error');
  expect(err.includes('nearest known') && err.includes('ip-vpn'), `error names the nearest service: ${err}`);

  // Tabs by keyboard: ArrowRight from Ask selects Compare.
  await page.focus('#tab-ask');
  await page.keyboard.press('ArrowRight');
  expect(await page.getAttribute('#tab-compare', 'aria-selected') === 'true', 'ArrowRight selects Compare');
  expect(await page.evaluate(() => document.activeElement.id) === 'tab-compare', 'focus follows the tab');

  // Compare: the 2025 Work Plan date; the IP-VPN cell opens its explanation.
  await page.click('.presets button[data-date="2025-04-11"]');
  await page.waitForSelector('#matrix-wrap table.matrix caption:has-text("2025-04-11")');
  const cell = page.locator('#matrix-wrap button[data-service="B13"][data-region="330100"]');
  expect((await cell.textContent()) === '<50*', `IP-VPN cell shows "<50*" (got "${await cell.textContent()}")`);
  await page.click('.presets button[data-date="2024-06-01"]');
  await page.waitForSelector('#matrix-wrap table.matrix caption:has-text("2024-06-01")');
  expect((await cell.textContent()) === 'closed', 'before the pilot IP-VPN is closed');
  await page.click('.presets button[data-date="2025-04-11"]');
  await page.waitForSelector('#matrix-wrap table.matrix caption:has-text("2025-04-11")');
  await page.screenshot({ path: join(shots, 'browser-compare.png'), fullPage: true });
  await cell.focus();
  await page.keyboard.press('Enter'); // open by keyboard
  await page.waitForSelector('#explain[open] #explain-body .badge');
  const expl = await page.textContent('#explain-body');
  expect(expl.includes('Every measure considered') && expl.includes('pilot-ipvpn-cap'), 'the cell explanation lists the measures');
  expect((await page.textContent('#explain-body .badge')) === 'Permitted', 'explanation badge: Permitted');
  await page.screenshot({ path: join(shots, 'browser-explain.png') });
  await page.keyboard.press('Escape');
  expect(!(await page.evaluate(() => document.querySelector('#explain').open)), 'Escape closes the explanation');

  // Rules: filter.
  await page.click('#tab-rules');
  await page.waitForSelector('#rules-table tbody tr');
  expect((await page.locator('#rules-table tbody tr').count()) === 7, 'rules table lists 7 measures');
  expect((await page.locator('#rules-table .tag.official').count()) >= 1 && (await page.locator('#rules-table .tag.mirror').count()) >= 1, 'document links are marked official or mirror');
  expect((await page.locator('#rules-table a.mirror-link[href="https://mirror.example.org/a"]').count()) >= 1, 'an official text shows its mirror link');
  await page.screenshot({ path: join(shots, 'browser-rules.png'), fullPage: true });
  await page.fill('#rules-q', 'cepa');
  await page.waitForFunction(() => document.querySelectorAll('#rules-table tbody tr').length === 1);
  expect((await page.textContent('#rules-count')) === '1 of 7 measures', 'filter narrows to one');
  await page.fill('#rules-q', '');
  await page.selectOption('#rules-status', 'announced');
  expect((await page.locator('#rules-table tbody tr').count()) === 1, 'status filter');

  // Phone width: no horizontal scrolling of the page itself.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.click('#tab-ask');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow <= 0, `page fits a phone-width screen (overflow ${overflow}px)`);
  await page.screenshot({ path: join(shots, 'browser-phone.png'), fullPage: true });

  // The Registry tab (web/registry.js) against a seeded registry.
  if (regBase) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(regBase + '/#registry');
    await page.waitForSelector('#panel-registry[data-ready="true"]');
    expect(await page.getAttribute('#tab-registry', 'aria-selected') === 'true', 'the #registry address opens the Registry tab');
    const total = await page.textContent('#reg-total');
    expect(total.includes('13 approvals') && total.includes('2025-02-28'), `13 approvals as of 2025-02-28 (${total})`);
    expect(await page.locator('#reg-charts svg.chart rect').count() >= 3, 'the approvals chart stacks a bar part per zone (Shanghai, Shenzhen, not published)');
    const legend = await page.textContent('#reg-charts .legend');
    expect(legend.includes('Shanghai: 4'), `the legend gives Shanghai 4 (${legend})`);
    expect((await page.locator('#reg-charts .figures li').count()) >= 5, 'the published figures are listed beside the chart');
    expect((await page.textContent('#reg-charts .figures')).includes('reproduced'), 'a published figure is marked as reproduced by the records');
    expect((await page.locator('#reg-charts .figures a[href^="http"]').count()) >= 3, 'figures link their sources');
    expect((await page.locator('#reg-apps tr').count()) >= 13, 'the applications table lists the seeded applications');
    expect((await page.textContent('#reg-apps')).includes('permitted'), 'an intake decision is shown');
    expect((await page.textContent('#reg-apps')).includes('clock starts at acceptance'), 'a deadline is shown for a live application');
    await page.screenshot({ path: join(shots, 'browser-registry.png'), fullPage: true });
    await page.locator('#reg-charts .charts').screenshot({ path: join(shots, 'browser-registry-chart.png') });
    expect(await page.getAttribute('#reg-dims button[data-dim="zone"]', 'aria-pressed') === 'true', 'the zone grouping is shown as chosen');
    await page.click('#reg-dims button[data-dim="service"]');
    await page.waitForFunction(() => document.querySelector('#reg-total')?.textContent.includes('without a published service'));
    expect((await page.textContent('#reg-charts .legend')).includes('service not published'), 'by service: the unpublished services are counted as such');
    expect(await page.getAttribute('#reg-dims button[data-dim="service"]', 'aria-pressed') === 'true' && await page.getAttribute('#reg-dims button[data-dim="zone"]', 'aria-pressed') === 'false', 'the chosen grouping moves');
    await page.selectOption('#reg-state', 'draft');
    await page.waitForFunction(() => [...document.querySelectorAll('#reg-apps tr')].every((r) => r.textContent.includes('draft')));
    expect(true, 'the state filter narrows the table');
    await page.click('#reg-dims button[data-dim="zone"]');
    await page.selectOption('#reg-state', '');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(over <= 0, `the Registry tab fits 390 px (overflow ${over}px)`);
    await page.screenshot({ path: join(shots, 'browser-registry-phone.png'), fullPage: true });
    await page.evaluate(() => document.querySelector('#reg-total').scrollIntoView());
    await page.screenshot({ path: join(shots, 'browser-registry-phone-top.png') });
    await page.evaluate(() => document.querySelector('#reg-apps').scrollIntoView());
    await page.screenshot({ path: join(shots, 'browser-registry-phone-apps.png') });
  }

  expect(errors.length === 0, 'no console errors: ' + errors.join(' | '));
} catch (e) {
  fail++;
  console.error('FAIL: ' + (e && e.stack ? e.stack : e));
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
