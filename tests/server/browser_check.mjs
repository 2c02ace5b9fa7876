// Browser test of the web page: Debian's chromium driven by playwright-core
// (no browser download). Asks a question through the page and checks the
// answer, uses the tabs by keyboard, opens a matrix cell's explanation,
// filters the rules, and saves screenshots. Run by tests/server/test_browser.sh.
//   node browser_check.mjs BASE_URL SCREENSHOT_DIR
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
// the Ownership tab's inputs (tests/data/ownership/faithful for the BODS ones)
const OWN_ENTITIES = 'id,name,kind,jurisdiction\nX,Applicant,entity,CN\nF,Foreign person,person,US\nH,HK holding,entity,HK\nP,HK person,person,HK\nD,Mainland person,person,CN\n';
const OWN_HOLDINGS = 'owner,owned,share,share_min,share_max\nF,X,30,,\nH,X,10,,\nP,H,100,,\nD,X,,55,60\n';
const OWN_BODS = readFileSync(new URL('../data/ownership/faithful/bods04-psc-bands.json', import.meta.url), 'utf8');
const OWN_BODS_MISSING = readFileSync(new URL('../data/ownership/faithful/bods04-missing-party.json', import.meta.url), 'utf8');
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

  // Ownership tab (web/ownership.js): a CSV pair pasted, the applicant picked,
  // the look-through and its drawing, then a decision from it in one click.
  await page.click('#tab-ownership');
  await page.fill('#own-entities', OWN_ENTITIES);
  await page.fill('#own-holdings', OWN_HOLDINGS);
  await page.click('#own-read');
  await page.waitForSelector('#own-pick:not([hidden])');
  expect((await page.textContent('#own-summary')).includes('5 entities, 4 holdings'), 'the source is read by the library');
  expect((await page.inputValue('#own-applicant')) === 'X', 'the company with holders comes first');
  await page.click('#own-compute');
  await page.waitForSelector('#own-result:not([hidden]) svg.own-graph');
  expect((await page.textContent('#own-result .own-foreign')) === '40% to 45%', `foreign share range (${await page.textContent('#own-result .own-foreign')})`);
  expect((await page.textContent('#own-result .own-hkmotw')) === '10% to 15%', 'HK/MO/TW part');
  expect((await page.textContent('#own-result .own-unattributed')) === '5%', 'unattributed part');
  expect((await page.textContent('#own-result .own-controller')) === 'D', 'ultimate controller');
  expect((await page.textContent('#own-result .own-chains')).includes('P → H → X'), 'the chain through the HK holding company');
  expect(await page.locator('svg.own-graph g.own-node').count() === 5, 'every ancestor drawn');
  expect(await page.locator('svg.own-graph g.own-node.o-foreign[data-id="F"]').count() === 1, 'the foreign holder is marked');
  expect(await page.locator('svg.own-graph g.own-edge.deciding[data-owner="D"][data-owned="X"]').count() === 1, 'the deciding holding is highlighted');
  expect(await page.locator('svg.own-graph g.own-edge.chain[data-owner="P"][data-owned="H"]').count() === 1, 'a chain carrying the share is highlighted');
  {
    // owners above what they own
    const yOf = async (id) => page.evaluate((i) => document.querySelector(`svg.own-graph g.own-node[data-id="${i}"]`).getBoundingClientRect().top, id);
    expect((await yOf('P')) < (await yOf('H')) && (await yOf('H')) < (await yOf('X')), 'owners are drawn above');
  }
  await page.fill('#own-service', 'ip-vpn');
  await page.fill('#own-region', 'Hangzhou');
  await page.fill('#own-qdate', '2025-05-01');
  await page.click('#own-decide button[type="submit"]');
  await page.waitForSelector('#own-decision:not([hidden]) .badge');
  expect((await page.textContent('#own-decision .badge')) === 'Permitted', 'decided from the look-through: 40-45% is below 50%');
  expect((await page.textContent('#own-decision')).includes('foreign share 40% to 45%'), 'the decision names the range');
  await page.screenshot({ path: join(shots, 'browser-ownership.png'), fullPage: true });
  // a BODS file with a UK PSC band: more than 50% exceeds "below 50%"
  await page.selectOption('#own-format', 'bods');
  await page.fill('#own-json', OWN_BODS);
  await page.click('#own-read');
  await page.waitForFunction(() => document.querySelector('#own-summary').textContent.startsWith('5 entities'));
  expect(await page.locator('#own-applicant-list option').count() === 5, 'every entity offered');
  await page.fill('#own-applicant', 'x');
  await page.click('#own-compute');
  await page.waitForFunction(() => document.querySelector('#own-result .own-foreign')?.textContent === 'more than 50% to 100%');
  expect(true, 'an open lower end is shown');
  await page.click('#own-decide button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#own-decision .badge')?.textContent === 'Exceeds the cap');
  expect(true, 'more than 50% exceeds the cap');
  // a file with a fault: the warning is shown
  await page.fill('#own-json', OWN_BODS_MISSING);
  await page.click('#own-read');
  await page.waitForFunction(() => document.querySelector('#own-summary').textContent.includes('1 load note'));
  await page.fill('#own-applicant', 'x');
  await page.click('#own-compute');
  await page.waitForSelector('#own-result .own-warnings');
  expect((await page.textContent('#own-result .own-warnings')).includes("interested party 'ghost' has no person or entity statement"), 'every warning is shown');
  // a bad source names the line
  await page.selectOption('#own-format', 'csv');
  await page.fill('#own-holdings', 'owner,owned,share\nF,X,abc\n');
  await page.click('#own-read');
  await page.waitForSelector('#own-error:not([hidden])');
  expect((await page.textContent('#own-error')).includes("share 'abc' in share is not a number"), 'a bad share is named');
  await page.fill('#own-holdings', OWN_HOLDINGS);
  await page.click('#own-read');
  await page.waitForSelector('#own-error', { state: 'hidden' });
  await page.click('#own-compute');
  await page.waitForSelector('#own-result:not([hidden]) svg.own-graph');

  // Phone width (390 px): the Ownership tab fits; the drawing scrolls inside its box.
  await page.setViewportSize({ width: 390, height: 844 });
  {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow <= 0, `ownership tab fits a 390px screen (overflow ${overflow}px)`);
    await page.screenshot({ path: join(shots, 'browser-ownership-phone.png'), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // Phone width: no horizontal scrolling of the page itself.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.click('#tab-ask');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow <= 0, `page fits a phone-width screen (overflow ${overflow}px)`);
  await page.screenshot({ path: join(shots, 'browser-phone.png'), fullPage: true });

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
