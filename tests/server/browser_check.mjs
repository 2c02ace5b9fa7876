// Browser test of the web page: Debian's chromium driven by playwright-core
// (no browser download). Asks a question through the page and checks the
// answer, uses the tabs by keyboard, opens a matrix cell's explanation,
// filters the rules, drives the address bar (links and Back), the measure
// page, the Timeline chart and the Diff matrix at desktop and 390 px, and saves
// screenshots. Run by tests/server/test_browser.sh.
//   node browser_check.mjs BASE_URL SCREENSHOT_DIR [REGISTRY_URL]
// REGISTRY_URL: a server with a seeded registry, for the Registry tab
// (web/registry.js) at desktop width and at 390 px.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shots, regBase] = process.argv.slice(2);
// the Ownership tab's inputs (tests/data/ownership/faithful for the BODS ones)
const OWN_ENTITIES = 'id,name,kind,jurisdiction\nX,Applicant,entity,CN\nF,Foreign person,person,US\nH,HK holding,entity,HK\nP,HK person,person,HK\nD,Mainland person,person,CN\n';
const OWN_HOLDINGS = 'owner,owned,share,share_min,share_max\nF,X,30,,\nH,X,10,,\nP,H,100,,\nD,X,,55,60\n';
// a cycle (A and B hold each other), an HK band with an open end and an owner
// with no row (GHOST)
const OWN_CYCLE_ENTITIES = 'id,name,kind,jurisdiction\nX,Applicant Telecom Co,entity,CN\nA,Alpha Holdings,entity,CN\nB,Beta Ltd,entity,CN\nF,Frank Foreign,person,US\nH,HK Holdco,entity,HK\nP,Pat HK,person,HK\nD,Dong Domestic,person,CN\n';
const OWN_CYCLE_HOLDINGS = 'owner,owned,share,share_min,share_max,share_min_open\nA,X,45,,,\nH,X,,10,25,true\nGHOST,X,10,,,\nF,A,60,,,\nB,A,40,,,\nA,B,30,,,\nD,B,70,,,\nP,H,100,,,\n';
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
  await page.fill('#cmp-date', '2024-06-01'); // not a preset of the mini rulebook: typed
  await page.dispatchEvent('#cmp-date', 'change');
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
    // a drawing wider than the phone says it scrolls (the fresh-user check:
    // it scrolled with no cue)
    await page.fill('#own-entities', OWN_CYCLE_ENTITIES);
    await page.fill('#own-holdings', OWN_CYCLE_HOLDINGS);
    await page.click('#own-read');
    await page.waitForFunction(() => document.querySelector('#own-summary').textContent.startsWith('8 entities'));
    await page.fill('#own-applicant', 'X');
    await page.click('#own-compute');
    await page.waitForSelector('#own-result svg.own-graph g.own-node[data-id="GHOST"]');
    const wide = await page.evaluate(() => { const w = document.querySelector('.own-graph-wrap'); return w.scrollWidth > w.clientWidth; });
    expect(wide && await page.isVisible('.own-scroll-hint'), 'a drawing wider than the phone says it scrolls');
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  {
    // the drawing of a cycle and a missing owner (fresh-user check: labels
    // collided near the applicant, a cycle's second holding had no label or
    // arrowhead, a label ran out of the drawing, a name was cut)
    expect(!(await page.isVisible('.own-scroll-hint')), 'no scroll hint at desktop width');
    expect(await page.locator('svg.own-graph g.own-edge.back[data-owner="A"][data-owned="B"] path[marker-end]').count() === 1,
      'a holding back up a cycle is a curve with an arrowhead');
    const geo = await page.evaluate(() => {
      const sv = document.querySelector('svg.own-graph').getBoundingClientRect();
      const labels = [...document.querySelectorAll('svg.own-graph text.own-share')].map((t) => { const r = t.getBoundingClientRect(); return { t: t.textContent, l: r.left, r: r.right, tp: r.top, b: r.bottom }; });
      const ends = [...document.querySelectorAll('svg.own-graph g.own-edge[data-owned="X"] line')].map((l) => l.getAttribute('x2'));
      const names = [...document.querySelectorAll('svg.own-graph text.own-name')].map((t) => t.textContent);
      return { sv: { l: sv.left, r: sv.right }, labels, ends, names };
    });
    const meet = (a, b) => a.l < b.r && b.l < a.r && a.tp < b.b && b.tp < a.b;
    const clash = [];
    geo.labels.forEach((a, i) => geo.labels.slice(i + 1).forEach((b) => { if (meet(a, b)) clash.push(a.t + ' / ' + b.t); }));
    expect(geo.labels.length === 8, `every holding labelled (${geo.labels.length})`);
    expect(clash.length === 0, `holding labels do not overlap (${clash.join(', ')})`);
    expect(geo.labels.every((a) => a.l >= geo.sv.l - 0.5 && a.r <= geo.sv.r + 0.5), 'every label inside the drawing');
    expect(new Set(geo.ends).size === geo.ends.length && geo.ends.length === 3, `holdings into the applicant end at points of their own (${geo.ends})`);
    expect(geo.names.includes('(no record in the source)'), `a missing owner's name is shown whole (${geo.names})`);
    await page.locator('.own-graph-wrap').screenshot({ path: join(shots, 'browser-ownership-cycle.png') });
    // thirty owners of one company: each label sits under its own owner
    // (breaker: along the long lines a label sat under another owner)
    let ent = 'id,name,kind,jurisdiction\nX,Applicant,entity,CN\n', hol = 'owner,owned,share\n';
    for (let i = 0; i < 30; i++) { ent += `O${i},Owner ${i},person,${i % 3 ? 'CN' : 'US'}\n`; hol += `O${i},X,${(0.5 + i / 20).toFixed(2)}\n`; }
    await page.fill('#own-entities', ent);
    await page.fill('#own-holdings', hol);
    await page.click('#own-read');
    await page.waitForFunction(() => document.querySelector('#own-summary').textContent.startsWith('31 entities'));
    await page.fill('#own-applicant', 'X');
    await page.click('#own-compute');
    await page.waitForSelector('#own-result svg.own-graph g.own-node[data-id="O29"]');
    const misplaced = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll('svg.own-graph g.own-node')].filter((g) => g.dataset.id !== 'X')
        .map((g) => { const b = g.getBoundingClientRect(); return [g.dataset.id, (b.left + b.right) / 2]; });
      return [...document.querySelectorAll('svg.own-graph text.own-share')].filter((t) => {
        const b = t.getBoundingClientRect(), cx = (b.left + b.right) / 2;
        return boxes.reduce((m, bx) => (Math.abs(bx[1] - cx) < Math.abs(m[1] - cx) ? bx : m))[0] !== t.dataset.owner;
      }).map((t) => t.dataset.owner);
    });
    expect(misplaced.length === 0, `each label under its own owner (${misplaced.join(', ')})`);
  }

  // Issue 12: the language switch changes the answer's sentences (the
  // library's memo in Chinese), and the memo prints to PDF with its URLs.
  await page.click('#tab-ask');
  await page.fill('#ask-service', 'ip-vpn');
  await page.fill('#ask-region', 'Hangzhou');
  await page.fill('#ask-date', '2025-05-01');
  await page.fill('#ask-share', '49.5');
  await page.click('#ask-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#answer .badge')?.textContent === 'Permitted');
  await page.emulateMedia({ media: 'print' });
  const after = await page.evaluate(() => getComputedStyle(document.querySelector('#answer .citations a[href]'), '::after').content);
  expect(after.includes('https://example.org/'), `printed links show their full URL (::after ${after})`);
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('#ask-form')).display) === 'none', 'the print layout hides the form');
  await page.emulateMedia({ media: 'screen' });
  expect(await page.locator('#answer button.print-memo').count() === 1, 'the answer has a Print / PDF button');
  await page.click('#lang-zh');
  await page.waitForSelector('#answer article.memo');
  const zhText = await page.textContent('#answer');
  expect(zhText.includes('允许') && zhText.includes('杭州市') && zhText.includes('国内互联网虚拟专用网业务'), 'in 中文 the answer is the library\'s Chinese text with the rulebook\'s names');
  expect(zhText.includes('外资比例上限') && !zhText.includes('Maximum foreign share'), 'the sentences are Chinese, not only the labels');
  expect(await page.getAttribute('#lang-zh', 'aria-pressed') === 'true', 'the switch says which language is on');
  await page.screenshot({ path: join(shots, 'browser-zh.png'), fullPage: true });
  // Print / PDF fetches the memo into the print layout
  await page.evaluate(() => { window.print = () => { window.__printed = true; }; });
  await page.click('#answer button.print-memo');
  await page.waitForFunction(() => window.__printed === true);
  expect(await page.locator('#print-memo article.memo').count() === 1, 'Print / PDF puts the memo in the print layout');
  await page.click('#lang-en');
  await page.waitForFunction(() => document.querySelector('#answer .badge')?.textContent === 'Permitted');
  expect(true, 'English again: the page renders the answer');

  // The memo itself: well-formed (parsed as XHTML: the memo is polyglot
  // HTML5), printed to PDF by Chromium, the PDF's text holds the citation
  // URLs (pdftotext), and its first page turned into an image (pdftoppm).
  const memoPath = '/v1/memo?service=ip-vpn&region=Hangzhou&date=2025-05-01&foreign_share=50&format=html';
  const memoHtml = await (await page.request.get(base + memoPath)).text();
  const xmlErr = await page.evaluate((t) => {
    const d = new DOMParser().parseFromString(t.replace('<!DOCTYPE html>', '').replace(/<style>[\s\S]*?<\/style>/, ''), 'application/xhtml+xml');
    const e = d.querySelector('parsererror');
    return e ? e.textContent : '';
  }, memoHtml);
  expect(xmlErr === '', 'the memo HTML is well-formed: ' + xmlErr);
  const memoPage = await ctx.newPage();
  const memoErrors = [];
  memoPage.on('console', (m) => { if (m.type() === 'error') memoErrors.push(m.text()); });
  await memoPage.goto(base + memoPath);
  expect(await memoPage.evaluate(() => getComputedStyle(document.querySelector('th')).backgroundColor) !== 'rgba(0, 0, 0, 0)', 'the memo page is styled by its own stylesheet (its CSP allows it)');
  expect(memoErrors.length === 0, 'the memo page logs no errors: ' + memoErrors.join(' | '));
  const pdf = join(shots, 'memo.pdf');
  await memoPage.pdf({ path: pdf, format: 'A4', printBackground: true });
  await memoPage.close();
  const pdfText = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  for (const u of ['https://example.org/b']) expect(pdfText.includes(u), `the printed memo holds the citation URL ${u}`);
  expect(pdfText.includes('replayed') && /sha256|SHA-256/.test(pdfText), 'the printed memo has the rulebook hash and the replay line');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(shots, 'memo')]);
  const png = ['memo-1.png', 'memo-01.png'].map((f) => join(shots, f)).find((f) => { try { return statSync(f).size > 0; } catch { return false; } });
  expect(!!png, 'the memo PDF turned into an image (pdftoppm)');

  // ---- issue 12: the address bar, measure pages, Timeline and Diff ----
  // Dates are typed as YYYY-MM-DD text whatever the locale: no date pickers.
  for (const id of ['#ask-date', '#cmp-date', '#tl-from', '#tl-to', '#df-from', '#df-to']) {
    expect((await page.getAttribute(id, 'type')) === 'text' && (await page.getAttribute(id, 'placeholder')).startsWith('YYYY-MM-DD'), `${id} is a YYYY-MM-DD text input`);
  }
  // A link reproduces an answer; Back returns to it.
  await page.goto(base + '/?view=ask&service=ip-vpn&region=330100&date=2025-05-01&share=50');
  await page.waitForSelector('#answer:not([hidden]) .badge');
  expect((await page.textContent('#answer .badge')) === 'Exceeds the cap', 'a link with the question reproduces the answer');
  expect((await page.inputValue('#ask-share')) === '50' && (await page.inputValue('#ask-date')) === '2025-05-01', 'the form shows the linked question');
  await page.fill('#ask-share', '49.5');
  await page.click('#ask-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector('#answer .badge')?.textContent === 'Permitted');
  expect(new URL(page.url()).searchParams.get('share') === '49.5', `the address bar holds the new share (${page.url()})`);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#answer .badge')?.textContent === 'Exceeds the cap');
  expect((await page.inputValue('#ask-share')) === '50', 'Back restores the previous question and its answer');
  // A measure link opens a readable page in the app, not raw JSON.
  await page.click('#answer a.mid:text-is("pilot-ipvpn-cap")');
  await page.waitForSelector('#panel-measure:not([hidden]) #measure-body dl');
  const mtext = await page.textContent('#measure-body');
  expect(mtext.includes('IP-VPN opened at below 50% in pilot areas') && mtext.includes('Pilot notice') && !mtext.includes('{"id"'), 'the measure page is readable');
  expect(new URL(page.url()).searchParams.get('view') === 'measure', 'the measure page has its address');
  await page.screenshot({ path: join(shots, 'browser-measure.png'), fullPage: true });
  await page.goBack();
  await page.waitForSelector('#panel-ask:not([hidden]) #answer .badge');
  expect(true, 'Back from the measure page returns to the answer');
  // Answers by place: zone names and measure links, never raw URLs.
  await page.goto(base + '/?view=ask&service=isp-end-user&region=310115&date=2021-06-01');
  await page.waitForSelector('#answer:not([hidden]) .badge');
  const byPlace = await page.textContent('#answer ul:below(h3:text("Answers by place"))');
  expect(byPlace.includes('Zone A') && byPlace.includes('甲区') && !byPlace.includes('http') && !byPlace.includes(',b1'), `answers by place name the zone and link the measure (${byPlace.slice(0, 120)})`);
  expect((await page.locator('#answer li:has-text("outside every sub-zone") a.mid[href="?view=measure&id=b1-closed"]').count()) === 1, 'the scenario measure is an in-app link');

  // Timeline: an SVG step chart, a step per change marked with its document.
  await page.goto(base + '/?view=timeline&service=ip-vpn&regions=330100,310000&from=2020-01-01');
  await page.waitForSelector('#tl-out svg.tl-chart .tl-step');
  const step = page.locator('.tl-step[data-region="330100"][data-date="2025-04-11"]');
  expect((await step.count()) === 1, 'Hangzhou has a step on 2025-04-11');
  expect((await step.getAttribute('aria-label')).includes('Pilot notice'), 'the step names the document that caused it');
  const dashes = await page.$$eval('.tl-series > path', (ps) => ps.map((x) => x.getAttribute('stroke-dasharray') || 'solid'));
  expect(dashes.length === 2 && dashes[0] !== dashes[1], `each place has its own line pattern (${dashes})`);
  expect((await page.locator('.tl-series .tl-label').allTextContents()).join(',') === 'Hangzhou,Shanghai', 'each line is labelled with its place');
  await step.focus(); // by keyboard
  await page.waitForSelector('#tl-details:not([hidden])');
  const det = await page.textContent('#tl-details');
  expect(det.includes('pilot-ipvpn-cap') && det.includes('below 50%') && det.includes('2025-04-11'), `focus shows the step's details (${det.slice(0, 100)})`);
  expect((await page.locator('.tl-steps tbody tr').count()) === 1, 'the table lists the one step');
  await page.screenshot({ path: join(shots, 'browser-timeline.png'), fullPage: true });
  await page.fill('#tl-from', '2020/01/01');
  await page.click('#tl-form button[type="submit"]');
  await page.waitForSelector('#tl-error:not([hidden])');
  expect((await page.textContent('#tl-error')).includes('YYYY-MM-DD'), 'a date not typed YYYY-MM-DD is refused with the format');

  // Diff: a matrix of what changed between two dates.
  await page.goto(base + '/?view=diff&from=2024-06-01&to=2025-06-01&regions=pilot,310000&services=ip-vpn,isp-end-user');
  await page.waitForSelector('table.matrix.diff');
  const dcell = page.locator('table.diff button[data-region="330100"][data-service="B13"]');
  expect((await dcell.textContent()) === 'closed → <50', `the changed cell reads "closed → <50" (${await dcell.textContent()})`);
  expect((await page.locator('table.diff td.same').count()) === 3, 'the three other cells are unchanged');
  await dcell.click();
  await page.waitForSelector('#df-details:not([hidden])');
  expect((await page.textContent('#df-details')).includes('pilot-ipvpn-cap'), 'a changed cell says which measure entered');
  await page.screenshot({ path: join(shots, 'browser-diff.png'), fullPage: true });

  // 390 px: the matrix caption and first column stay visible when it scrolls.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(base + '/?view=diff&from=2024-06-01&to=2025-06-01&regions=pilot,310000,310115,zone-a&services=B,B1,ip-vpn,isp,isp-end-user,B21,e-commerce,B25');
  await page.waitForSelector('table.matrix.diff');
  const wrapBox = await page.locator('#df-out .grid-wrap').boundingBox();
  await page.locator('#df-out .grid-wrap').evaluate((w) => { w.scrollLeft = w.scrollWidth; });
  const th = await page.locator('table.diff tbody th[scope="row"]').first().boundingBox();
  const cap = await page.locator('table.diff caption').boundingBox();
  const scrolled = await page.locator('#df-out .grid-wrap').evaluate((w) => w.scrollLeft);
  expect(scrolled > 50, `the diff matrix scrolls sideways at 390 px (${scrolled}px)`);
  expect(Math.abs(th.x - wrapBox.x) < 3, `the first column stays at the left (${th.x} vs ${wrapBox.x})`);
  expect(cap.x >= wrapBox.x - 1 && cap.x + 40 < 390, `the caption stays in view (${cap.x})`);
  await page.screenshot({ path: join(shots, 'browser-diff-phone.png'), fullPage: true });
  await page.goto(base + '/?view=timeline&service=ip-vpn&regions=330100,310000&from=2020-01-01');
  await page.waitForSelector('#tl-out svg.tl-chart .tl-step');
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(over <= 0, `the timeline fits 390 px (overflow ${over}px)`);
  await page.screenshot({ path: join(shots, 'browser-timeline-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(base + '/?view=rules');
  await page.waitForSelector('#rules-table tbody tr');

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
    // a licence recorded service by service (tests/server/test_browser.sh): a row per service
    const licRow = page.locator('#reg-apps tr', { hasText: 'Licensed Browser Co' });
    const cover = await licRow.locator('ul.cover li').allTextContents();
    expect(cover.length === 2 && cover[0].includes('B21') && cover[0].includes('Shanghai') && cover[0].includes('2025-03-15 – 2030-03-14') &&
      cover[1].includes('B25') && cover[1].includes('Shanghai, Beijing') && cover[1].includes('2025-04-01 – 2028-03-31'),
      `the licence's services are shown one by one with area and dates (${cover.join(' | ')})`);
    expect((await licRow.textContent()).includes('沪B2-20250315'), 'the licence number is shown');
    // an ordinary-route application has no pilot zone: said so, not "not published"
    const ordZone = await page.locator('#reg-apps tr', { hasText: 'Ordinary Route Co' }).locator('td[data-label="zone"]').textContent();
    expect(ordZone.includes('no pilot zone') && !ordZone.includes('not published'), `an ordinary-route application says it has no pilot zone (${ordZone})`);
    // As of: a YYYY-MM-DD text input with a pattern, as every other date of the page
    expect(await page.getAttribute('#reg-asof', 'type') === 'text' && await page.getAttribute('#reg-asof', 'pattern') === '\\d{4}-\\d{2}-\\d{2}', 'As of is a YYYY-MM-DD text input');
    expect(await page.inputValue('#reg-asof') === '2025-02-28', 'As of shows 2025-02-28 as typed');
    await page.fill('#reg-asof', '02/28/2025');
    await page.dispatchEvent('#reg-asof', 'change');
    await page.waitForSelector('#reg-stats-error:not([hidden])');
    expect((await page.textContent('#reg-stats-error')).includes('YYYY-MM-DD'), 'a date typed otherwise is refused with the format');
    await page.fill('#reg-asof', '2025-02-28');
    await page.dispatchEvent('#reg-asof', 'change');
    await page.waitForSelector('#reg-stats-error', { state: 'hidden' });
    // the month labels of the bar chart never touch, at desktop and phone width
    const labelOverlap = () => page.evaluate(() => {
      const t = [...document.querySelectorAll('#reg-charts figure:first-child svg text.axis')].map((x) => [x.textContent, x.getBoundingClientRect()]).filter(([, r]) => r.width);
      const hits = [];
      for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) {
        const [ta, a] = t[i], [tb, b] = t[j], w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0 && h > 0) hits.push(`"${ta}"/"${tb}" ${w.toFixed(0)}px`);
      }
      return hits.join(', ') || 0;
    });
    expect(await labelOverlap() === 0, `no two chart labels overlap (${await labelOverlap()})`);
    // time to decision: its labels drawn at a legible size (the seeded records
    // have no acceptance days, so the page's own timeChart draws a sample)
    const timePx = await page.evaluate(() => {
      const fig = timeChart({ n: 3, median_days: 20, p90_days: 45 });
      fig.id = 'tt-sample';
      document.querySelector('#reg-charts .charts').append(fig);
      const px = Math.min(...[...fig.querySelectorAll('text')].map((x) => x.getBoundingClientRect().height));
      return px;
    });
    expect(timePx >= 11, `time-to-decision labels are at least 11 px high (${timePx.toFixed(1)})`);
    await page.locator('#reg-charts .charts').screenshot({ path: join(shots, 'browser-registry-time.png') });
    await page.evaluate(() => document.querySelector('#tt-sample').remove());
    await page.screenshot({ path: join(shots, 'browser-registry.png'), fullPage: true });
    await page.locator('#reg-charts .charts').screenshot({ path: join(shots, 'browser-registry-chart.png') });
    expect(await page.getAttribute('#reg-dims button[data-dim="zone"]', 'aria-pressed') === 'true', 'the zone grouping is shown as chosen');
    await page.click('#reg-dims button[data-dim="service"]');
    await page.waitForFunction(() => document.querySelector('#reg-total')?.textContent.includes('without a published service'));
    expect((await page.textContent('#reg-charts .legend')).includes('service not published'), 'by service: the unpublished services are counted as such');
    const cap = await page.textContent('#reg-charts figcaption');
    expect(cap.startsWith('Approvals × services') && cap.includes('counts once under each'), `by service the caption says approvals × services (${cap})`);
    expect(await page.getAttribute('#reg-dims button[data-dim="service"]', 'aria-pressed') === 'true' && await page.getAttribute('#reg-dims button[data-dim="zone"]', 'aria-pressed') === 'false', 'the chosen grouping moves');
    await page.selectOption('#reg-state', 'draft');
    await page.waitForFunction(() => [...document.querySelectorAll('#reg-apps tr')].every((r) => r.textContent.includes('draft')));
    expect(true, 'the state filter narrows the table');
    await page.click('#reg-dims button[data-dim="zone"]');
    await page.selectOption('#reg-state', '');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(1200); // the charts are redrawn for the phone width
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(over <= 0, `the Registry tab fits 390 px (overflow ${over}px)`);
    expect(await labelOverlap() === 0, `no two chart labels overlap at 390 px (${await labelOverlap()})`);
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
