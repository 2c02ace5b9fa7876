// Kaifang web page: plain JavaScript, no build step, no dependencies.
// Talks to the JSON API of `kaifang serve` (docs/api.md) on the same origin.
'use strict';

const state = { services: [], regions: [], investors: [], measures: null, rulebook: null, groupRegion: null };

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

async function api(path, body) {
  const opts = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, opts);
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

const tabs = ['ask', 'compare', 'rules', 'ownership']; // the Ownership tab: web/ownership.js
function selectTab(name, focus) {
  for (const t of tabs) {
    const b = $('#tab-' + t), p = $('#panel-' + t), on = t === name;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
    p.hidden = !on;
    if (on && focus) b.focus();
  }
  if (name === 'compare' && !$('#matrix-wrap').firstChild) loadMatrix();
  if (name === 'rules' && !state.measures) loadRules();
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
}
function initTabs() {
  tabs.forEach((t, i) => {
    const b = $('#tab-' + t);
    b.addEventListener('click', () => selectTab(t));
    b.addEventListener('keydown', (ev) => {
      const d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (ev.key === 'Home') selectTab(tabs[0], true);
      else if (ev.key === 'End') selectTab(tabs[tabs.length - 1], true);
      else if (d) selectTab(tabs[(i + d + tabs.length) % tabs.length], true);
    });
  });
}

// ---- pickers ---------------------------------------------------------------

function fillPickers() {
  const sl = $('#service-list');
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

function measureLink(id) {
  return el('a', { href: '/v1/measures/' + encodeURIComponent(id), class: 'mid' }, id);
}

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
  if (d.missing_facts.length) {
    box.append(el('h3', {}, 'It depends on whether the address is inside'),
      el('ul', {}, d.missing_facts.map((f) => el('li', {}, `${f.name} `, zh(f.name_zh), ` (${f.zone})`))));
  }
  if (d.scenarios.length) {
    box.append(el('h3', {}, 'Answers by place'), el('ul', {}, d.scenarios.map((s) => el('li', {},
      el('strong', {}, s.where + ': '), `${outcomeText[s.outcome] || s.outcome}`,
      s.max_foreign_share === null ? ', no cap' : `, max ${s.max_foreign_share}%`,
      s.binding.length ? ' — ' : '', s.binding.map((b, i) => [i ? ', ' : '', measureLink(b)])))));
  }
  const why = [];
  for (const b of d.binding) why.push(el('li', {}, 'binds: ', measureLink(b)));
  for (const o of d.overridden) why.push(el('li', {}, 'set aside: ', measureLink(o.id), ' — overridden by ', measureLink(o.by)));
  if (why.length) box.append(el('h3', {}, 'Why ', zh('依据')), el('ul', {}, why));
  if (d.conditions.length) box.append(el('h3', {}, 'Conditions ', zh('条件')), el('ul', {}, d.conditions.map((c) => el('li', {}, el('span', { class: 'tag' }, c.type), ' ', c.text, ' (', measureLink(c.measure), ')'))));
  if (d.alternatives.length) box.append(el('h3', {}, 'What would change the answer'), el('ul', { class: 'alts' }, d.alternatives.map((a) => el('li', {}, a.text, a.certainty === 'uncertain' ? ' (uncertain)' : ''))));
  if (d.citations.length) {
    box.append(el('h3', {}, 'Citations ', zh('出处')), el('ul', { class: 'citations' }, d.citations.map((c) => el('li', {},
      docLink(c.title, c.url), zh(c.title_zh),
      c.number ? ` (${c.number})` : '', c.article ? `, ${c.article}` : '', urlMarks(c.url, c.url_official, c.mirror_url), ' — ', measureLink(c.measure),
      c.sources && c.sources.length ? [el('br'), el('span', { class: 'muted' }, 'sources: ' + c.sources.join(', '))] : null))));
  }
  if (d.text) box.append(el('h3', {}, 'Every measure considered'), el('pre', {}, d.text));
  box.append(el('p', { class: 'muted' }, `Rulebook ${d.rulebook.id} ${d.rulebook.edition || ''}, sha256 ${d.rulebook.sha256.slice(0, 16)}…`));
  box.hidden = false;
}

function initAsk() {
  $('#ask-date').value = today();
  $('#ask-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
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
    try {
      const d = await api('/v1/decisions', q);
      showError(errBox, null);
      renderDecision(d, $('#answer'));
    } catch (e) {
      showError(errBox, e);
      $('#answer').hidden = true;
      const f = { service: '#ask-service', region: '#ask-region', date: '#ask-date', investor: '#ask-investor', foreign_share: '#ask-share' }[e.field];
      if (f) $(f).focus();
    }
  });
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

async function loadMatrix() {
  const date = $('#cmp-date').value || today();
  const params = new URLSearchParams({ date, investor: $('#cmp-investor').value || 'foreign' });
  if (state.groupRegion) params.set('regions', state.groupRegion);
  for (const b of document.querySelectorAll('.presets button')) {
    const d = b.dataset.date === 'today' ? today() : b.dataset.date;
    b.setAttribute('aria-pressed', d === date ? 'true' : 'false');
  }
  const wrap = $('#matrix-wrap');
  try {
    const m = await api('/v1/matrix?' + params);
    showError($('#cmp-error'), null);
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

function initCompare() {
  $('#cmp-date').value = today();
  $('#cmp-date').addEventListener('change', loadMatrix);
  $('#cmp-investor').addEventListener('change', loadMatrix);
  for (const b of document.querySelectorAll('.presets button')) {
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => {
      $('#cmp-date').value = b.dataset.date === 'today' ? today() : b.dataset.date;
      loadMatrix();
    });
  }
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
      el('td', {}, m.effect, m.cap ? ` ${m.cap.op} ${m.cap.value}%` : ''),
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

// ---- start -----------------------------------------------------------------------

async function start() {
  initTabs();
  initAsk();
  initCompare();
  initRules();
  try {
    const [rb, services, regions, investors] = await Promise.all([api('/v1/rulebook'), api('/v1/services'), api('/v1/regions'), api('/v1/investors')]);
    Object.assign(state, { rulebook: rb, services, regions, investors });
    const pilot = regions.find((r) => r.id === 'pilot-20') || regions.find((r) => r.kind === 'group');
    state.groupRegion = pilot ? pilot.id : null;
    $('#rulebook-line').textContent = `Rulebook ${rb.id} ${rb.edition} — ${rb.title} ${rb.title_zh} · ${rb.counts.measures} measures · sha256 ${rb.sha256.slice(0, 12)}…`;
    fillPickers();
  } catch (e) {
    $('#rulebook-line').textContent = 'Could not reach the API: ' + e.message;
  }
  const h = location.hash.slice(1);
  selectTab(tabs.includes(h) ? h : 'ask');
  document.body.dataset.ready = 'true';
}
start();
