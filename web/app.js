// Kaifang web page: plain JavaScript, no build step, no dependencies.
// Talks to the JSON API of `kaifang serve` (docs/api.md) on the same origin.
'use strict';

const state = { services: [], regions: [], investors: [], measures: null, rulebook: null, groupRegion: null, lang: 'en' };

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined && kid !== false) e.append(kid.nodeType ? kid : String(kid));
  return e;
};
const zh = (text) => (text ? el('span', { lang: 'zh' }, ' ' + text) : null);
const today = () => new Date().toISOString().slice(0, 10);
const ext = (href, cls, ...kids) => el('a', { href, class: cls, rel: 'noopener noreferrer', target: '_blank' }, ...kids);
// A document's link, and what it links to in words, not colour alone (issue 9
// "Citations"): "official" text or "mirror"; beside an official text, the
// mirror read as a second link.
const docLink = (title, url) => (url ? ext(url, null, title) : title);
const urlMarks = (url, official, mirror) => [
  url ? [' ', el('span', { class: 'tag ' + (official ? 'official' : 'mirror'), title: official ? 'the official text' : 'a mirror, not the official text' }, official ? 'official' : 'mirror')] : null,
  mirror ? [' ', ext(mirror, 'mirror-link', 'mirror copy')] : null,
];

// An SVG element with attributes and children (text or nodes), for the charts
// of timeline.js, registry.js and ownership.js: one helper for the page.
const svgEl = (tag, attrs = {}, ...kids) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined) e.append(kid.nodeType ? kid : document.createTextNode(String(kid)));
  return e;
};
async function api(path, body) {
  const opts = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(withSector(path), opts);
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data && data.error) || { code: 'http_' + res.status, message: res.statusText, field: null };
    throw Object.assign(new Error(err.message), err, { status: res.status });
  }
  return data;
}

function showError(box, err) {
  box.hidden = !err;
  box.textContent = err ? (err.field ? err.field + ': ' : '') + err.message : '';
}

// ---- tabs ------------------------------------------------------------------

const tabs = ['ask', 'compare', 'timeline', 'diff', 'rules', 'registry', 'ownership']; // Registry: web/registry.js, Ownership: web/ownership.js
// the measure page (timeline.js) is a panel without a tab
function selectTab(name, focus) {
  for (const t of tabs.concat('measure')) {
    const b = $('#tab-' + t), p = $('#panel-' + t), on = t === name;
    if (b) {
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on || (name === 'measure' && t === 'rules') ? 0 : -1;
    }
    p.hidden = !on;
    if (on && focus && b) b.focus();
  }
  if (name === 'compare' && !$('#matrix-wrap').firstChild) loadMatrix();
  if (name === 'rules') { if (state.measures) renderRules(); else loadRules(); } // the presets may have fetched them
  if (name === 'registry' && window.kfRegistryOpen) window.kfRegistryOpen(); // web/registry.js
}
function initTabs() {
  tabs.forEach((t, i) => {
    const b = $('#tab-' + t);
    b.addEventListener('click', () => { selectTab(t); urlWrite(t, urlMemo[t] || {}); });
    b.addEventListener('keydown', (ev) => {
      const d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (ev.key === 'Home') selectTab(tabs[0], true);
      else if (ev.key === 'End') selectTab(tabs[tabs.length - 1], true);
      else if (d) {
        const n = tabs[(i + d + tabs.length) % tabs.length];
        selectTab(n, true);
        urlWrite(n, urlMemo[n] || {}, true);
      }
    });
  });
}

// ---- pickers ---------------------------------------------------------------

function fillPickers() {
  const sl = $('#service-list');
  // refilled when the sector changes (sectors below)
  for (const x of [sl, $('#region-list'), $('#ask-investor'), $('#cmp-investor')]) x.replaceChildren();
  for (const s of state.services) {
    const alias = s.aliases.length ? ' (' + s.aliases.join(', ') + ')' : '';
    sl.append(el('option', { value: s.aliases[0] || s.id, label: `${s.id}${alias} — ${s.name} ${s.name_zh}` }));
  }
  const rl = $('#region-list');
  for (const r of state.regions) {
    if (r.kind === 'group') continue;
    rl.append(el('option', { value: r.id, label: `${r.name} ${r.name_zh} — ${r.kind}` }));
  }
  for (const sel of [$('#ask-investor'), $('#cmp-investor')]) {
    for (const v of state.investors) {
      sel.append(el('option', { value: v.id, selected: v.id === 'foreign' }, `${v.name} ${v.name_zh || ''}`.trim()));
    }
  }
  if (state.hinted) return;
  state.hinted = true;
  const hint = (input, out, find) => input.addEventListener('input', () => {
    const x = find(input.value.trim());
    out.textContent = x ? `${x.name} ${x.name_zh || ''} (${x.id})` : '';
  });
  hint($('#ask-service'), $('#ask-service-hint'), findService);
  hint($('#ask-region'), $('#ask-region-hint'), findRegion);
}

const norm = (s) => String(s || '').toLowerCase().replace(/[\s'\-_.]/g, '');
function findIn(list, text, keys) {
  const n = norm(text);
  if (!n) return null;
  return list.find((x) => keys(x).some((k) => norm(k) === n)) || null;
}
const findService = (t) => findIn(state.services, t, (s) => [s.id, s.name, s.name_zh, ...s.aliases]);
const findRegion = (t) => findIn(state.regions, t, (r) => [r.id, r.name, r.name_zh, ...r.aliases]);

// ---- ask ---------------------------------------------------------------------

const outcomeText = {
  permitted: 'Permitted', exceeds_cap: 'Exceeds the cap', prohibited: 'Prohibited', closed: 'Closed', indeterminate: 'It depends', not_covered: 'Not covered',
};
const outcomeZh = { permitted: '允许', exceeds_cap: '超过上限', prohibited: '禁止', closed: '未开放', indeterminate: '视情况而定', not_covered: '不在规则覆盖期内' };

// The maximum foreign share as the API states it (max_foreign_share, cap):
// the page renders those members and derives nothing from the outcome.
function capText(d) {
  if (d.cap) return (d.cap.op === '<' ? 'below ' : 'at most ') + d.cap.value + '%';
  if (d.max_foreign_share === 0) return '0% — no foreign share allowed';
  if (d.outcome === 'indeterminate') return 'depends on the place (see below)';
  if (d.outcome === 'not_covered') return 'no answer: the date is before ' + (d.first_covered || 'the rulebook\'s coverage');
  return 'no cap (up to 100%)';
}

// a measure opens the measure page of the app (timeline.js), not raw JSON
const measureLink = (id) => appMeasureLink(id);

// A share as the question echoes it: a number, or a look-through range
// {min, max, min_open?, max_open?} (ownership)
const shareText = (v) => (typeof v === 'object' ? `${v.min_open ? 'more than ' : ''}${v.min}% to ${v.max_open ? 'less than ' : ''}${v.max}%` : v + '%');

function renderDecision(d, box) {
  box.replaceChildren();
  const q = d.question;
  const svc = state.services.find((s) => s.id === q.service);
  const reg = state.regions.find((r) => r.id === q.region);
  box.append(
    el('h2', {}, el('span', { class: 'badge b-' + d.outcome, 'data-outcome': d.outcome }, outcomeText[d.outcome] || d.outcome), zh(outcomeZh[d.outcome]),
      el('span', { class: 'cert ' + d.certainty }, d.certainty === 'uncertain' ? 'uncertain' : 'confirmed')),
    el('p', { class: 'q' }, `${svc ? svc.name : q.service} `, zh(svc && svc.name_zh), ` in ${reg ? reg.name : q.region}`, zh(reg && reg.name_zh),
      ` on ${q.date}, investor ${q.investor}` + (q.foreign_share !== null && q.foreign_share !== undefined ? `, foreign share ${shareText(q.foreign_share)}` : '')),
    el('p', { class: 'cap' }, el('strong', {}, 'Maximum foreign share: '), capText(d)),
  );
  if (d.uncertain_reasons.length) box.append(el('h3', {}, 'Why uncertain'), el('ul', {}, d.uncertain_reasons.map((r) => el('li', {}, r))));
  if (d.notices && d.notices.length) box.append(el('h3', {}, 'Notices'), el('ul', {}, d.notices.map((r) => el('li', {}, r))));
  if (d.in_words) box.append(el('p', { class: 'in-words' }, el('strong', {}, 'In words: '), d.in_words));
  const zones = d.missing_facts.filter((f) => f.fact === 'inside_zone'), facts = d.missing_facts.filter((f) => f.fact !== 'inside_zone');
  if (zones.length) {
    box.append(el('h3', {}, 'It depends on whether the address is inside'),
      el('ul', {}, zones.map((f) => el('li', {}, `${f.name} `, zh(f.name_zh), ` (${f.zone})`))));
  }
  if (facts.length) box.append(el('h3', {}, 'It depends on facts not asked'), el('ul', {}, facts.map((f) => el('li', {}, missingFactText(f)))));
  if (d.scenarios.length) {
    box.append(el('h3', {}, 'Answers by place'), el('ul', {}, d.scenarios.map((s) => el('li', {},
      el('strong', {}, s.where === 'outside every sub-zone' ? s.where : [regionName(s.where), zh(regionZh(s.where)), ` (${s.where})`], ': '), `${outcomeText[s.outcome] || s.outcome}`,
      s.max_foreign_share === null ? ', no cap' : `, max ${s.max_foreign_share}%`,
      s.binding.length ? ' — ' : '', ...s.binding.flatMap((b, i) => (i ? [', ', measureLink(b)] : [measureLink(b)]))))));
  }
  const why = [];
  for (const b of d.binding) why.push(el('li', {}, 'binds: ', measureLink(b)));
  for (const o of d.overridden) why.push(el('li', {}, 'set aside: ', measureLink(o.id), ' — overridden by ', measureLink(o.by)));
  if (why.length) box.append(el('h3', {}, 'Why ', zh('依据')), el('ul', {}, why));
  const conds = conditionList(d);
  if (conds.length) box.append(el('h3', {}, 'Conditions ', zh('条件')), el('ul', { class: 'conditions' }, conds.map((c) => el('li', {}, c.required ? [el('span', { class: 'tag required' }, 'required'), ' '] : null, el('span', { class: 'tag' }, c.type), ' ', c.text, ' (', measureLink(c.measure), ')', c.decides ? ' — the answer holds only if the investor meets it' : ''))));
  if (d.alternatives.length) box.append(el('h3', {}, 'What would change the answer'), el('ul', { class: 'alts' }, d.alternatives.map((a) => el('li', {}, a.text, a.certainty === 'uncertain' ? ' (uncertain)' : ''))));
  if (d.citations.length) {
    box.append(el('h3', {}, 'Citations ', zh('出处')), el('ul', { class: 'citations' }, d.citations.map((c) => el('li', {},
      docLink(c.title, c.url), zh(c.title_zh),
      c.number ? ` (${c.number})` : '', c.article ? `, ${c.article}` : '', urlMarks(c.url, c.url_official, c.mirror_url), ' — ', measureLink(c.measure),
      c.sources && c.sources.length ? [el('br'), el('span', { class: 'muted' }, 'sources: ' + c.sources.join(', '))] : null))));
  }
  if (d.text) box.append(el('h3', {}, 'Every measure considered'), el('pre', {}, d.text));
  box.append(el('p', { class: 'muted' }, `Rulebook ${d.rulebook.id} ${d.rulebook.edition || ''}, sha256 ${d.rulebook.sha256.slice(0, 16)}…`));
  // the question as asked (the share as typed, exact), for the memo's address
  const mq = box.id === 'answer' && state.lastQuestion ? state.lastQuestion : d.question;
  box.append(memoActions(mq));
  box.hidden = false;
  if (state.lang !== 'en') showMemo(mq, box); // the library's sentences in the language asked
}

function initAsk() {
  $('#ask-date').value = today();
  $('#ask-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    ask(true);
  });
}
async function ask(push) {
  const svcText = $('#ask-service').value.trim(), regText = $('#ask-region').value.trim();
  const s = findService(svcText), r = findRegion(regText);
  const q = {
    service: s ? s.id : svcText,
    region: r ? r.id : regText,
    date: $('#ask-date').value || today(),
    investor: $('#ask-investor').value || 'foreign',
    outside_zones: $('#ask-outside').checked,
  };
  const share = $('#ask-share').value.trim();
  if (share) q.foreign_share = share; // as a string: exact decimal
  const errBox = $('#ask-error');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(q.date)) {
    showError(errBox, { field: 'date', message: `'${q.date}' is not a date; type it as YYYY-MM-DD` });
    $('#ask-date').focus();
    return;
  }
  if (push) urlWrite('ask', { service: q.service, region: q.region, date: q.date, share, investor: q.investor === 'foreign' ? '' : q.investor, outside: q.outside_zones });
  try {
    const d = await api('/v1/decisions', q);
    state.lastQuestion = Object.assign({}, d.question, { foreign_share: share || null });
    showError(errBox, null);
    renderDecision(d, $('#answer'));
  } catch (e) {
    showError(errBox, e);
    $('#answer').hidden = true;
    const f = { service: '#ask-service', region: '#ask-region', date: '#ask-date', investor: '#ask-investor', foreign_share: '#ask-share' }[e.field];
    if (f) $(f).focus();
  }
}

// ---- compare -----------------------------------------------------------------

// A cell's colour from the API's max_foreign_share and cap; its text is the
// API's label (the same as `kaifang matrix` prints).
function cellClass(c) {
  if (c.max_foreign_share === 0) return 'c-closed';
  if (c.outcome === 'indeterminate' || c.outcome === 'not_covered') return 'c-depends';
  if (c.max_foreign_share === null) return 'c-open';
  if (c.max_foreign_share > 50) return 'c-high';
  if (c.max_foreign_share === 50 && (!c.cap || c.cap.op === '<=')) return 'c-mid';
  return 'c-low';
}
function cellText(c) {
  return c.label + (c.certainty === 'uncertain' ? '*' : '');
}

async function loadMatrix(push) {
  const date = $('#cmp-date').value || today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return showError($('#cmp-error'), { field: 'date', message: `'${date}' is not a date; type it as YYYY-MM-DD` });
  if (push) urlWrite('compare', { date, investor: $('#cmp-investor').value === 'foreign' ? '' : $('#cmp-investor').value });
  const params = new URLSearchParams({ date, investor: $('#cmp-investor').value || 'foreign' });
  if (state.groupRegion) params.set('regions', state.groupRegion);
  const wrap = $('#matrix-wrap'), seq = (loadMatrix.seq = (loadMatrix.seq || 0) + 1);
  try {
    const m = await api('/v1/matrix?' + params);
    if (seq !== loadMatrix.seq) return; // a later date was asked meanwhile: its reply shows
    showError($('#cmp-error'), null);
    await fillPresets(m.services);
    for (const b of document.querySelectorAll('.presets button')) {
      const d = b.dataset.date === 'today' ? today() : b.dataset.date;
      b.setAttribute('aria-pressed', d === date ? 'true' : 'false');
    }
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Place ', zh('地点')),
      m.services.map((s) => el('th', { scope: 'col' }, s.aliases[0] || s.id, el('small', {}, s.name_zh || s.name))));
    const rows = m.rows.map((r) => el('tr', {}, el('th', { scope: 'row' }, r.name, zh(r.name_zh)),
      r.cells.map((c, j) => el('td', {}, el('button', {
        type: 'button', class: cellClass(c) + (c.certainty === 'uncertain' ? ' uncertain' : ''),
        'data-region': r.region, 'data-service': c.service,
        'aria-label': `${r.name}, ${m.services[j].name}: ${outcomeText[c.outcome]}${c.max_foreign_share === null ? '' : ', max ' + c.max_foreign_share + '%'}${c.certainty === 'uncertain' ? ', uncertain' : ''}. Explain.`,
        onclick: () => explainCell(r, m.services[j], m.date),
      }, cellText(c))))));
    wrap.replaceChildren(el('table', { class: 'matrix' },
      el('caption', { class: 'muted' }, `Maximum foreign share (%) on ${m.date} for investor ${m.investor}. Select a cell for its explanation.`),
      el('thead', {}, head), el('tbody', {}, rows)));
  } catch (e) {
    showError($('#cmp-error'), e);
  }
}

async function explainCell(r, s, date) {
  const dlg = $('#explain'), body = $('#explain-body');
  $('#explain-title').textContent = `${s.aliases[0] || s.id} in ${r.name} ${r.name_zh || ''} on ${date}`;
  body.replaceChildren(el('p', {}, 'Loading…'));
  if (!dlg.open) dlg.showModal();
  try {
    const d = await api('/v1/explanations', { service: s.id, region: r.region, date, investor: $('#cmp-investor').value || 'foreign' });
    const box = el('article', { class: 'answer' });
    renderDecision(d, box);
    body.replaceChildren(box);
  } catch (e) {
    body.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

// The date presets come from the rulebook shown, not from the page: the
// latest few days on which a measure bearing on the matrix's services (the
// rulebook's key_services) took effect, each named by its document, and today.
async function fillPresets(services) {
  const box = $('#cmp-presets');
  if (box.dataset.for === (state.rulebook && state.rulebook.sha256)) return;
  box.dataset.for = state.rulebook ? state.rulebook.sha256 : '';
  if (!state.measures) state.measures = await api('/v1/measures');
  const names = new Set(services.flatMap((s) => [s.id, ...(s.aliases || [])]));
  const days = new Map(); // effective_from -> documents
  for (const m of state.measures) {
    if (!m.services.some((x) => names.has(x))) continue;
    if (!days.has(m.effective_from)) days.set(m.effective_from, new Set());
    days.get(m.effective_from).add(m.document_title);
  }
  const latest = [...days.keys()].sort().slice(-3);
  const short = (t) => (t.length > 34 ? t.slice(0, 33) + '…' : t);
  const pick = (d) => () => { $('#cmp-date').value = d === 'today' ? today() : d; loadMatrix(true); };
  box.replaceChildren(...latest.map((d) => {
    const docs = [...days.get(d)];
    return el('button', { type: 'button', 'data-date': d, 'aria-pressed': 'false', title: docs.join('; '), onclick: pick(d) }, `${d} `, el('span', { class: 'muted' }, short(docs[0]) + (docs.length > 1 ? ` +${docs.length - 1}` : '')));
  }), el('button', { type: 'button', 'data-date': 'today', 'aria-pressed': 'false', onclick: pick('today') }, 'Today'));
}

function initCompare() {
  $('#cmp-date').value = today();
  $('#cmp-date').addEventListener('change', () => loadMatrix(true));
  $('#cmp-investor').addEventListener('change', () => loadMatrix(true));
  $('#explain-close').addEventListener('click', () => $('#explain').close());
}

// ---- rules ---------------------------------------------------------------------

async function loadRules() {
  try {
    state.measures = await api('/v1/measures');
    renderRules();
  } catch (e) {
    $('#rules-count').textContent = 'Could not load the measures: ' + e.message;
  }
}
function renderRules() {
  const q = norm($('#rules-q').value), effect = $('#rules-effect').value, status = $('#rules-status').value, cert = $('#rules-certainty').value;
  const rows = [];
  for (const m of state.measures || []) {
    if (effect && m.effect !== effect) continue;
    if (status && m.status !== status) continue;
    if (cert && m.certainty !== cert) continue;
    if (q && !norm([m.id, m.document, m.document_title, m.document_title_zh, m.article, m.summary, ...m.services, ...m.regions].join(' ')).includes(q)) continue;
    rows.push(el('tr', {},
      el('td', {}, m.id),
      el('td', {}, m.effect, m.cap ? ` ${m.cap.op} ${m.cap.value}%` : '', effectMore(m)),
      el('td', {}, m.effective_from, ' – ', m.effective_until || ''),
      el('td', {}, el('span', { class: 'tag ' + m.status }, m.status), el('span', { class: 'tag ' + m.certainty }, m.certainty)),
      el('td', {}, docLink(m.document_title, m.url), zh(m.document_title_zh),
        m.number ? ` (${m.number})` : '', m.article ? `, ${m.article}` : '', urlMarks(m.url, m.url_official, m.mirror_url), el('br'), el('span', { class: 'muted' }, m.summary)),
      el('td', {}, 'services: ', m.services.join(', '), m.exclude_services.length ? ` except ${m.exclude_services.join(', ')}` : '',
        el('br'), 'places: ', m.regions.join(', '), m.overrides.length ? [el('br'), 'overrides: ', m.overrides.join(', ')] : ''),
    ));
  }
  $('#rules-table tbody').replaceChildren(...rows);
  $('#rules-count').textContent = `${rows.length} of ${state.measures.length} measures`;
}
function initRules() {
  for (const id of ['#rules-q', '#rules-effect', '#rules-status', '#rules-certainty']) $(id).addEventListener('input', () => state.measures && renderRules());
}

// ---- sectors (docs/api.md "Sectors") ----------------------------------------------
// The server may hold several rulebooks, one per sector; every /v1/ request
// carries ?sector= for the one chosen (none: the server's default). The
// choice is in the address (?sector=services) so it can be linked.

let sector = new URLSearchParams(location.search).get('sector');
// Every address the page builds goes through here: fetches (api(), the memo),
// download and print links, the JSON link of a measure page.
function withSector(path) {
  if (!sector || !path.startsWith('/v1/') || path.startsWith('/v1/sectors') || /[?&]sector=/.test(path)) return path;
  return path + (path.includes('?') ? '&' : '?') + 'sector=' + encodeURIComponent(sector);
}
async function initSectors() {
  const sel = $('#sector');
  let list = [];
  try { list = await api('/v1/sectors'); } catch (e) { list = []; }
  if (!list.some((x) => x.sector === sector)) sector = null;
  sel.replaceChildren(...list.map((x) => el('option', { value: x.sector, selected: sector ? x.sector === sector : x.default }, `${x.sector} — ${x.title} ${x.title_zh}`)));
  $('#sector-pick').hidden = list.length < 2;
  state.defaultSector = (list.find((x) => x.default) || list[0] || {}).sector || '';
  sel.addEventListener('change', async () => {
    const u = new URL(location.href);
    u.searchParams.set('sector', sel.value);
    history.replaceState(null, '', u);
    await useSector(sel.value);
    const h = location.hash.slice(1);
    selectTab(tabs.includes(h) ? h : 'ask');
  });
}
// Switches the page to another sector's rulebook (null: the server's default).
async function useSector(name) {
  const sel = $('#sector');
  sector = name;
  sel.value = name || state.defaultSector;
  // what was shown belongs to the other rulebook
  $('#answer').hidden = true;
  showError($('#ask-error'), null);
  $('#ask-service').value = '';
  $('#ask-service-hint').textContent = '';
  state.measures = null;
  $('#matrix-wrap').replaceChildren();
  document.body.dataset.ready = 'false';
  await loadRulebook();
  document.body.dataset.ready = 'true';
}

// A requirement is a condition the answer depends on ([S-10]): one list,
// each shown once, requirements first and marked.
function conditionList(d) {
  const req = (d.requirements || []).map((r) => ({ required: true, type: r.kind, text: r.text, measure: r.measure, decides: r.decides }));
  const rest = d.conditions.filter((c) => !req.some((r) => r.measure === c.measure && r.text === c.text));
  return req.concat(rest);
}
// A measure's effect beyond a share cap, as GET /v1/measures lists it.
function effectMore(m) {
  const t = [];
  if (m.floor) t.push(`Chinese share ${m.floor.op} ${m.floor.value}%`);
  if (m.control) t.push(`${m.control} Chinese control`);
  if (m.form) t.push(m.form);
  if (m.cap_per_investor) t.push(`each investor group ${m.cap_per_investor.op} ${m.cap_per_investor.value}%`);
  if (m.quota) t.push(`at most ${m.quota.max} per ${m.quota.per}`);
  if (m.implements) t.push('implements ' + m.implements.join(', '));
  return t.length ? [el('br'), el('span', { class: 'muted' }, t.join('; '))] : null;
}
function missingFactText(f) {
  if (f.fact === 'investor_condition') return `the investor meets ${f.id} (a requirement of ${f.measure}, under Conditions)`;
  if (f.fact === 'investor_group_share') return `the largest foreign investor group's share (each group with its affiliates: ${f.cap.op} ${f.cap.value}%)`;
  if (f.fact === 'foreign_share') return `the exact foreign share (between ${f.min}% and ${f.max}%)`;
  return f.fact;
}

// ---- start -----------------------------------------------------------------------

async function loadRulebook() {
  try {
    const [rb, services, regions, investors] = await Promise.all([api('/v1/rulebook'), api('/v1/services'), api('/v1/regions'), api('/v1/investors')]);
    Object.assign(state, { rulebook: rb, services, regions, investors });
    const pilot = regions.find((r) => r.id === 'pilot-20') || regions.find((r) => r.kind === 'group');
    state.groupRegion = pilot ? pilot.id : null;
    document.title = `Kaifang 开放 — ${rb.title}`; // the rulebook's own title, not telecom's
    $('#rulebook-line').textContent = `Rulebook ${rb.id} ${rb.edition} — ${rb.title} ${rb.title_zh} · ${rb.counts.measures} measures · sha256 ${rb.sha256.slice(0, 12)}…`;
    fillPickers();
    initTimelineViews();
  } catch (e) {
    $('#rulebook-line').textContent = 'Could not reach the API: ' + e.message;
  }
}

async function start() {
  initLang();
  initTabs();
  initAsk();
  initCompare();
  initRules();
  await initSectors();
  await loadRulebook();
  route(urlRead());
  window.addEventListener('popstate', async () => {
    const o = urlRead(), known = [...$('#sector').options].map((x) => x.value);
    const want = known.includes(o.sector) ? o.sector : null; // the address names the sector of its answer
    if (want !== sector) await useSector(want);
    route(o);
  });
  document.body.dataset.ready = 'true';
}
// Shows what the address bar asks (timeline.js urlRead): the view and its question.
function route(o) {
  if (routeTimelineViews(o)) return;
  if (o.view === 'compare') {
    if (o.date) $('#cmp-date').value = o.date;
    $('#cmp-investor').value = o.investor || 'foreign';
    const loaded = !!$('#matrix-wrap').firstChild;
    selectTab('compare');
    if (loaded) loadMatrix(false);
    return;
  }
  if (o.view === 'ask' || (!o.view && o.service)) {
    const set = (id, v) => { if (v !== undefined) $(id).value = v; };
    set('#ask-service', o.service); set('#ask-region', o.region); set('#ask-date', o.date); set('#ask-share', o.share || '');
    $('#ask-investor').value = o.investor || 'foreign';
    $('#ask-outside').checked = o.outside === 'true';
    selectTab('ask');
    if (o.service && o.region) ask(false);
    return;
  }
  selectTab(tabs.includes(o.view) ? o.view : 'ask');
}
start();

// ---- language and the memo (issue 12) -------------------------------------------
// The answer's sentences are the library's (GET /v1/memo renders the memo of
// an answer in English or Chinese, docs/api.md "Memo"): the page asks for
// them and shows them; it writes no sentences of its own in Chinese.

function memoUrl(q, format, lang) {
  const p = new URLSearchParams({ service: q.service, region: q.region, date: q.date, investor: q.investor, format, lang });
  if (q.foreign_share !== null && q.foreign_share !== undefined) p.set('foreign_share', typeof q.foreign_share === 'object' ? q.foreign_share.min : String(q.foreign_share));
  if (q.outside_zones) p.set('outside_zones', 'true');
  return withSector('/v1/memo?' + p); // the memo of the sector asked (docs/api.md "Sectors")
}

async function fetchMemo(q, lang) {
  const res = await fetch(memoUrl(q, 'html', lang));
  if (!res.ok) throw new Error('memo: HTTP ' + res.status);
  // the memo's own stylesheet stays out of the page (its CSP; app.css styles .memo)
  const text = (await res.text()).replace(/<style>[\s\S]*?<\/style>/, '');
  const doc = new DOMParser().parseFromString(text, 'text/html');
  const art = doc.querySelector('article.memo');
  if (!art) throw new Error('memo: no article');
  return document.importNode(art, true);
}

// The answer box in another language: the library's memo in place of the
// English rendering, with the same actions.
async function showMemo(q, box) {
  try {
    const art = await fetchMemo(q, state.lang);
    art.classList.add('answer-memo');
    box.replaceChildren(art, memoActions(q));
  } catch (e) {
    box.append(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

function memoActions(q) {
  return el('div', { class: 'memo-actions' },
    el('button', { type: 'button', class: 'print-memo', onclick: () => printMemo(q) }, 'Print / PDF ', zh('打印')),
    el('a', { href: memoUrl(q, 'html', state.lang), class: 'memo-link', download: 'kaifang-memo.html' }, 'Memo (HTML)'),
    ' ',
    el('a', { href: memoUrl(q, 'md', state.lang), class: 'memo-link', download: 'kaifang-memo.md' }, 'Markdown'));
}

// Print / PDF: the library's memo (question, date asked, answer, conditions,
// citations with full URLs, rulebook hash, replay command) in the print layout.
async function printMemo(q) {
  const holder = $('#print-memo');
  try {
    holder.replaceChildren(await fetchMemo(q, state.lang));
    document.body.classList.add('has-print-memo');
  } catch (e) {
    holder.replaceChildren();
    document.body.classList.remove('has-print-memo');
  }
  window.print();
}

function setLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
  for (const b of document.querySelectorAll('.langs button')) b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
  const box = $('#answer');
  if (!box.hidden && state.lastQuestion) {
    if (lang === 'en') $('#ask-form').requestSubmit();
    else showMemo(state.lastQuestion, box);
  }
}

function initLang() {
  for (const b of document.querySelectorAll('.langs button')) b.addEventListener('click', () => setLang(b.dataset.lang));
}
