// Browser test of the sector choice on the web page (issue 14; docs/api.md
// "Sectors"): with the shipped telecom and services rulebooks, the page offers
// a sector select; choosing services refills the pickers and every answer
// comes from cn-services. Asks the Suzhou general hospital (8411) question
// and checks the shown outcome, cap and in-words text, each requirement shown
// once; saves screenshots. Run by tests/server/test_browser_sectors.sh.
//   node browser_sectors.mjs BASE_URL SCREENSHOT_DIR
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shots] = process.argv.slice(2);
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
const ask = async (page, service, region, date, share) => {
  await page.fill('#ask-service', service);
  await page.fill('#ask-region', region);
  await page.fill('#ask-date', date);
  await page.fill('#ask-share', share);
  const before = await page.evaluate(() => document.querySelector('#answer')?.dataset.n || '0');
  await page.evaluate(() => { const a = document.querySelector('#answer'); a.hidden = true; });
  await page.click('#ask-form button[type="submit"]');
  await page.waitForSelector('#answer:not([hidden]) .badge');
  return before;
};
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.setDefaultTimeout(15000);

  await page.goto(base + '/');
  await page.waitForSelector('body[data-ready="true"]');
  expect(await page.isVisible('#sector'), 'the sector select is shown (two rulebooks)');
  const opts = await page.locator('#sector option').evaluateAll((o) => o.map((x) => x.value));
  expect(JSON.stringify(opts) === '["telecom","services"]', `sectors telecom, services (got ${opts})`);
  expect(await page.inputValue('#sector') === 'telecom', 'telecom is the default');
  expect((await page.textContent('#rulebook-line')).includes('cn-telecom'), 'telecom rulebook line');

  // choose services: the pickers and the rulebook line follow
  await page.selectOption('#sector', 'services');
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelector('#rulebook-line').textContent.includes('cn-services'));
  expect(page.url().includes('sector=services'), 'the address carries ?sector=services');
  expect(await page.locator('#service-list option[value="general-hospital"][label^="8411 "]').count() === 1, 'the service picker has 8411 General hospitals');
  expect(await page.locator('#service-list option[value="ip-vpn"]').count() === 0, 'and no telecom service');

  // the Suzhou general hospital, wholly foreign-owned, after the 2024 work plan
  await ask(page, '8411', 'Suzhou', '2025-06-01', '100');
  const badge = await page.textContent('#answer .badge');
  expect(badge === 'Permitted', `8411 in Suzhou at 100%: badge "${badge}", expected "Permitted"`);
  const answer = await page.textContent('#answer');
  expect(answer.includes('Maximum foreign share: no cap (up to 100%)'), 'no cap');
  const words = await page.textContent('#answer .in-words');
  expect(words === 'In words: permitted; if the investor meets: medical-investment-experience, advanced-hospital-management', `in words: "${words}"`);
  expect(answer.includes('苏州市'), 'Chinese place name shown beside');
  const req = await page.locator('#answer .conditions .tag.required').count();
  expect(req === 3, `three requirements marked required (got ${req})`);
  const once = answer.split('with experience in medical investment and management').length - 1;
  expect(once === 1, `the investor requirement is shown once (got ${once})`);
  expect(answer.includes('the answer holds only if the investor meets it'), 'says the answer holds only with the investor facts');
  expect(answer.includes('the investor meets medical-investment-experience (a requirement of plan2024-wfoe-hospital, under Conditions)'), 'the investor facts are listed as what it depends on, by name');
  expect(answer.includes('plan2024-wfoe-hospital'), 'names the hospital work plan');
  await page.screenshot({ path: join(shots, 'browser-services-ask.png'), fullPage: true });

  // the memo, its downloads and Print/PDF carry the sector (else telecom answers 400)
  const memoHrefs = await page.locator('#answer a.memo-link').evaluateAll((a) => a.map((x) => x.getAttribute('href')));
  expect(memoHrefs.length === 2 && memoHrefs.every((h) => h.startsWith('/v1/memo?') && h.includes('sector=services')), `memo links carry sector=services (${memoHrefs})`);
  const memoStatus = await page.evaluate(async (h) => (await fetch(h)).status, memoHrefs[0]);
  expect(memoStatus === 200, `the memo link answers 200 (got ${memoStatus})`);
  const asked = [];
  const onReq = (r) => { if (r.url().includes('/v1/')) asked.push(r.url()); };
  page.on('request', onReq);
  await page.evaluate(() => { window.print = () => { window.printed = true; }; });
  await page.click('#answer .print-memo');
  await page.waitForFunction(() => window.printed === true);
  expect((await page.textContent('#print-memo')).includes('plan2024-wfoe-hospital'), 'Print/PDF holds the services memo');
  await page.click('#lang-zh');
  await page.waitForSelector('#answer article.answer-memo');
  expect((await page.textContent('#answer')).includes('苏州'), '中文: the services memo in Chinese');
  expect(!(await page.textContent('#answer')).includes('memo: HTTP'), '中文: no memo error');
  await page.click('#lang-en');
  await page.waitForSelector('#answer:not([hidden]) .badge');
  page.off('request', onReq);
  const bare = asked.filter((u) => !u.includes('sector=services') && !u.includes('/v1/sectors'));
  expect(asked.length > 0 && bare.length === 0, `every /v1/ request carries the sector (without: ${bare.join(' ')})`);

  // a measure link on a services answer keeps the sector, and opens fresh
  const mhref = await page.getAttribute('#answer a.mid', 'href');
  expect(mhref.includes('sector=services'), `a measure link keeps the sector (${mhref})`);
  await page.click('#answer a.mid >> nth=0');
  expect(new URL(page.url()).searchParams.get('sector') === 'services', `the measure page address keeps the sector (${page.url()})`);
  const fresh = await ctx.newPage();
  fresh.on('pageerror', (e) => errors.push(e.message));
  await fresh.goto(base + '/?view=measure&id=plan2024-wfoe-hospital&sector=services');
  await fresh.waitForSelector('#measure-body h2');
  expect((await fresh.textContent('#measure-body h2')).startsWith('plan2024-wfoe-hospital'), 'the services measure opens fresh from its link');
  expect((await fresh.getAttribute('#measure-body a[href^="/v1/measures/"]', 'href')).includes('sector=services'), 'its JSON link carries the sector');
  await fresh.close();
  await page.goBack();
  await page.waitForSelector('#panel-ask:not([hidden])');
  expect(await page.inputValue('#sector') === 'services', 'Back keeps the services sector');

  // the day before the circular: a joint venture with a Chinese share of at least 30%
  await ask(page, '841', 'Suzhou', '2024-09-07', '100');
  expect((await page.textContent('#answer .badge')) === 'Exceeds the cap', 'before the circular: exceeds the cap');
  expect((await page.textContent('#answer')).includes('Maximum foreign share: at most 70%'), 'at most 70%');
  expect((await page.textContent('#answer .in-words')).includes('permitted only as a joint venture with a Chinese share of at least 30%'), 'in words: joint venture, Chinese share at least 30%');

  // Compare: the services matrix (rulebook.yaml key_services)
  await page.click('#tab-compare');
  await page.waitForSelector('#matrix-wrap table.matrix');
  const cell = page.locator('#matrix-wrap button[data-service="841"][data-region="320500"]');
  expect(await cell.count() === 1, 'the services matrix has hospitals in Suzhou');
  expect(await page.locator('#matrix-wrap button[data-service="outbound-tours"]').count() >= 1, 'and outbound tours');
  expect(new URL(page.url()).searchParams.get('sector') === 'services', `Compare keeps the sector in the address (${page.url()})`);
  expect(!(await page.title()).includes("China's telecoms"), `the title is not telecom's (${await page.title()})`);
  expect((await page.title()).includes('service sectors beyond telecom'), `the title is the rulebook's (${await page.title()})`);
  // presets: the latest days a measure on the key services took effect, from /v1/measures
  const presets = await page.locator('#cmp-presets button').evaluateAll((b) => b.map((x) => [x.dataset.date, x.textContent]));
  expect(!presets.some(([, t]) => /VATS|before the pilot/.test(t)), `no telecom presets (${presets})`);
  const want = await page.evaluate(async () => {
    const ms = await (await fetch('/v1/measures?sector=services')).json();
    const svc = await (await fetch('/v1/services?sector=services')).json();
    const keys = ['841', 'outbound-tours', '9053', 'non-profit-elderly-care'];
    const names = new Set(svc.filter((s) => keys.includes(s.id)).flatMap((s) => [s.id, ...s.aliases]));
    return [...new Set(ms.filter((m) => m.services.some((x) => names.has(x))).map((m) => m.effective_from))].sort().slice(-3);
  });
  expect(JSON.stringify(presets.map((p) => p[0])) === JSON.stringify([...want, 'today']), `presets ${presets.map((p) => p[0])} = ${want},today`);
  await page.click(`#cmp-presets button[data-date="${want[0]}"]`);
  await page.waitForSelector(`#matrix-wrap table.matrix caption:has-text("${want[0]}")`);
  expect(await page.getAttribute(`#cmp-presets button[data-date="${want[0]}"]`, 'aria-pressed') === 'true', 'the preset chosen is pressed');
  expect(new URL(page.url()).searchParams.get('sector') === 'services', 'a preset keeps the sector');
  await page.screenshot({ path: join(shots, 'browser-services-compare.png'), fullPage: true });
  // 390 px: no cell's text overflows its button
  await page.setViewportSize({ width: 390, height: 844 });
  const spill = await page.locator('#matrix-wrap td button').evaluateAll((b) => b.filter((x) => x.scrollWidth > x.clientWidth + 1).map((x) => x.textContent));
  expect(spill.length === 0, `no matrix cell overflows at 390 px (${spill})`);
  await page.screenshot({ path: join(shots, 'browser-services-compare-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Rules: the services measures, with the new effects
  await page.click('#tab-rules');
  await page.waitForSelector('#rules-table tbody tr');
  expect(new URL(page.url()).searchParams.get('sector') === 'services', `Rules keeps the sector in the address (${page.url()})`);
  expect((await page.textContent('#rules-count')).endsWith('of 62 measures'), `62 services measures (${await page.textContent('#rules-count')})`);
  await page.selectOption('#rules-effect', 'floor');
  expect((await page.locator('#rules-table tbody tr').count()) >= 1, 'the effect filter knows floor');
  expect((await page.textContent('#rules-table tbody')).includes('Chinese share >= 30%'), 'a floor measure shows its Chinese share');
  await page.selectOption('#rules-effect', 'form');
  expect((await page.textContent('#rules-table tbody')).includes('joint-venture'), 'a form measure shows its legal form');
  await page.screenshot({ path: join(shots, 'browser-services-rules.png'), fullPage: true });

  // a link with ?sector=services opens on services; back to telecom
  await page.goto(base + '/?sector=services#ask');
  await page.waitForSelector('body[data-ready="true"]');
  expect(await page.inputValue('#sector') === 'services', '?sector=services opens on services');
  await page.selectOption('#sector', 'telecom');
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelector('#rulebook-line').textContent.includes('cn-telecom'));
  await ask(page, 'ip-vpn', 'Hangzhou', '2025-06-01', '60');
  expect((await page.textContent('#answer .badge')) === 'Exceeds the cap', 'telecom again: IP-VPN at 60% in Hangzhou exceeds the cap');
  expect((await page.textContent('#answer')).includes('Maximum foreign share: at most 50%'), 'telecom: at most 50%');

  // Timeline with many places (telecom): the legend wraps, coincident steps share
  // one marker, no two labels touch, everything inside the chart; at 390 px the
  // chart fits and its text stays readable
  const chartCheck = (sel) => page.evaluate((sel) => {
    const svg = document.querySelector(sel), box = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
    const texts = [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect(), t.classList.value]);
    const hits = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [ta, a] = texts[i], [tb, b] = texts[j];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) hits.push(`"${ta}"/"${tb}"`);
    }
    const outside = texts.filter(([, r]) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5).map(([t]) => t);
    const px = Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize))) * (box.width / vb.width);
    const small = [...svg.querySelectorAll('text')].filter((t) => parseFloat(getComputedStyle(t).fontSize) < 13).map((t) => t.textContent + ':' + getComputedStyle(t).fontSize);
    return { hits, outside, px, small, width: box.width, parent: svg.parentElement.clientWidth, labels: svg.querySelectorAll('.tl-label').length, series: svg.querySelectorAll('.tl-series').length,
      merged: [...svg.querySelectorAll('.tl-step')].filter((g) => g.dataset.step.includes(' ')).map((g) => [g.dataset.step, g.querySelector('.tl-num').textContent]),
      end: svg.querySelector('.tl-end').textContent };
  }, sel);
  await page.goto(base + '/?view=timeline&service=ip-vpn&regions=pilot-20&from=2024-01-01&to=2026-01-01');
  await page.waitForSelector('#tl-out svg.tl-chart .tl-step');
  let c = await chartCheck('#tl-out svg.tl-chart');
  expect(c.series >= 20 && c.labels === c.series, `every place in the legend (${c.labels} of ${c.series})`);
  expect(c.hits.length === 0, `no two chart labels overlap (${c.hits.slice(0, 6)})`);
  expect(c.outside.length === 0, `every label inside the chart (${c.outside.slice(0, 6)})`);
  expect(c.merged.length >= 1 && c.merged.every(([steps, text]) => text.includes('–') || text.includes(',')), `coincident steps share one marker listing them (${JSON.stringify(c.merged.slice(0, 3))})`);
  expect(c.end === 'until 2026-01-01', `the axis names its end (${c.end})`);
  const rowsShown = await page.locator('.tl-steps tbody tr').count();
  expect(rowsShown === c.merged.reduce((a, [st]) => a + st.split(' ').length, 0) + (await page.locator('.tl-step:not([data-step*=" "])').count()), 'the table lists every step of the merged markers');
  await page.locator('#tl-out .tl-wrap').screenshot({ path: join(shots, 'browser-services-timeline-many.png') });
  await page.goto(base + '/?view=timeline&service=ip-vpn&regions=110000,310000,330100&from=2020-01-01');
  await page.waitForSelector('#tl-out svg.tl-chart .tl-step');
  c = await chartCheck('#tl-out svg.tl-chart');
  expect(c.hits.length === 0, `three places: no two labels overlap (${c.hits})`);
  expect(c.end.startsWith('open'), `an open Until is labelled open (${c.end})`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '/?view=timeline&service=ip-vpn&regions=pilot-20&from=2024-01-01&to=2026-01-01');
  await page.waitForSelector('#tl-out svg.tl-chart .tl-step');
  c = await chartCheck('#tl-out svg.tl-chart');
  expect(c.width <= c.parent + 0.5, `390 px: the chart fits its box (${c.width} in ${c.parent})`);
  expect(c.px >= 12, `390 px: the chart's text is at least 12 px (${c.px.toFixed(2)} ${c.small})`);
  expect(c.hits.length === 0 && c.outside.length === 0, `390 px: labels apart and inside (${c.hits.slice(0, 4)} / ${c.outside.slice(0, 4)})`);
  await page.locator('#tl-out .tl-wrap').screenshot({ path: join(shots, 'browser-services-timeline-phone.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

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
