// Kaifang web page, part two: the address bar, the Timeline and Diff views and
// the measure page (issue 12). Plain JavaScript, no dependencies; loaded before
// app.js and sharing its globals ($, el, zh, api, state, ...) at call time.
// The chart is SVG drawn here: a step line of the maximum foreign share per
// place, each line with its own dash pattern, marker shape and end label, so
// it reads without colour; every step is a focusable marker naming the
// document that caused it.
'use strict';

// ---- the address bar holds the question ------------------------------------------
// ?view=ask&service=ip-vpn&region=330100&date=2025-05-01&share=50 reproduces an
// answer; each view keeps its own parameters; Back and Forward replay them.

const URL_KEYS = {
  ask: ['service', 'region', 'date', 'share', 'investor', 'outside'],
  compare: ['date', 'investor'],
  rules: [],
  timeline: ['service', 'regions', 'investor', 'share', 'outside', 'from', 'to'],
  diff: ['from', 'to', 'regions', 'services', 'investor'],
  measure: ['id'],
};
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function urlRead() {
  const p = new URLSearchParams(location.search);
  const o = Object.fromEntries(p.entries());
  if (!o.view && location.hash.length > 1) o.view = location.hash.slice(1); // old links (#compare)
  return o;
}
// Puts the view and its parameters in the address bar: a new history entry when
// they changed (push), else nothing; `replace` rewrites the current entry.
const urlMemo = {}; // the last parameters of each view, for its tab
function urlWrite(view, params, replace) {
  urlMemo[view] = params;
  const p = new URLSearchParams();
  p.set('view', view);
  if (sector) p.set('sector', sector); // app.js: the rulebook asked stays in every view's address
  for (const k of URL_KEYS[view] || []) if (params[k] !== undefined && params[k] !== null && params[k] !== '' && params[k] !== false) p.set(k, params[k] === true ? 'true' : params[k]);
  const url = location.pathname + '?' + p.toString();
  if (url === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
}

// ---- links to measures open the measure page -----------------------------------------

function measureHref(id) { return '?view=measure&id=' + encodeURIComponent(id) + (sector ? '&sector=' + encodeURIComponent(sector) : ''); }
function appMeasureLink(id) {
  return el('a', {
    href: measureHref(id), class: 'mid',
    onclick: (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return; // a new tab: the href
      ev.preventDefault();
      const dlg = document.getElementById('explain');
      if (dlg && dlg.open) dlg.close();
      urlWrite('measure', { id });
      showMeasure(id);
    },
  }, id);
}
const regionName = (id) => {
  const r = (state.regions || []).find((x) => x.id === id);
  return r ? r.name : id;
};
const regionZh = (id) => {
  const r = (state.regions || []).find((x) => x.id === id);
  return r ? r.name_zh : '';
};
const serviceName = (id) => {
  const s = (state.services || []).find((x) => x.id === id);
  return s ? s.name : id;
};

async function showMeasure(id) {
  selectTab('measure');
  const box = $('#measure-body');
  box.replaceChildren(el('p', {}, 'Loading…'));
  try {
    const m = await api('/v1/measures/' + encodeURIComponent(id));
    const names = (ids, find, zhOf) => ids.map((x, i) => [i ? ', ' : '', find(x), zhOf ? zh(zhOf(x)) : null, ` (${x})`]);
    box.replaceChildren(
      el('h2', {}, m.id, ' ', el('span', { class: 'tag' }, m.effect), m.cap ? el('span', { class: 'tag' }, `${m.cap.op} ${m.cap.value}%`) : null,
        el('span', { class: 'tag ' + m.status }, m.status), el('span', { class: 'tag ' + m.certainty }, m.certainty)),
      el('p', {}, m.summary),
      el('dl', { class: 'kv' },
        el('dt', {}, 'Document'), el('dd', {}, docLink(m.document_title, m.url), zh(m.document_title_zh), m.number ? ` (${m.number})` : '', urlMarks(m.url, m.url_official, m.mirror_url)),
        el('dt', {}, 'Article'), el('dd', {}, m.article || '—'),
        el('dt', {}, 'Issuer'), el('dd', {}, m.issuer || '—'),
        el('dt', {}, 'Valid'), el('dd', {}, `from ${m.effective_from}`, m.effective_until ? ` until ${m.effective_until} (first day no longer in force)` : ', open-ended'),
        el('dt', {}, 'Services'), el('dd', {}, names(m.services, serviceName), m.exclude_services.length ? [' — except ', names(m.exclude_services, serviceName)] : ''),
        el('dt', {}, 'Places'), el('dd', {}, names(m.regions, regionName, regionZh)),
        el('dt', {}, 'Investors'), el('dd', {}, m.investors.join(', ')),
        m.overrides.length ? [el('dt', {}, 'Sets aside'), el('dd', {}, m.overrides.map((o, i) => [i ? ', ' : '', appMeasureLink(o)]))] : null,
        m.uncertain_reason ? [el('dt', {}, 'Why uncertain'), el('dd', {}, m.uncertain_reason)] : null,
        m.pending ? [el('dt', {}, 'Pending'), el('dd', {}, m.pending)] : null,
        m.conditions.length ? [el('dt', {}, 'Conditions'), el('dd', {}, el('ul', {}, m.conditions.map((c) => el('li', {}, el('span', { class: 'tag' }, c.type), ' ', c.text))))] : null,
        m.sources && m.sources.length ? [el('dt', {}, 'Sources'), el('dd', {}, m.sources.join(', '))] : null),
      el('p', { class: 'muted' }, 'The same as JSON: ', el('a', { href: withSector('/v1/measures/' + encodeURIComponent(m.id)) }, '/v1/measures/' + m.id)));
    $('#measure-title').textContent = 'Measure ' + m.id;
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

// ---- timeline --------------------------------------------------------------------------

const SERIES = [ // dash pattern, marker shape and colour of each place's line
  { dash: '', shape: 'circle', color: '#0b5cad' },
  { dash: '8 4', shape: 'square', color: '#b35900' },
  { dash: '2 3', shape: 'triangle', color: '#1f8a4c' },
  { dash: '10 3 2 3', shape: 'diamond', color: '#8e2c8e' },
  { dash: '4 4', shape: 'cross', color: '#c0392b' },
  { dash: '1 2', shape: 'star', color: '#4a4a4a' },
];
const DAY = 86400000;
const toDay = (s) => Date.parse(s + 'T00:00:00Z') / DAY;
const fromDay = (d) => new Date(d * DAY).toISOString().slice(0, 10);
// the y value of a period: the maximum share, 100 without a cap, 0 when
// closed or prohibited; DEPENDS (the top lane, hatched) when the answer depends
// on a zone inside the place or the date is not covered
const DEPENDS = 118;
const yOf = (p) => (p.outcome === 'indeterminate' || p.outcome === 'not_covered' ? DEPENDS : p.max_foreign_share === null ? 100 : p.max_foreign_share);
function marker(shape, x, y, color) {
  const s = 6;
  switch (shape) {
    case 'square': return svgEl('rect', { x: x - s, y: y - s, width: 2 * s, height: 2 * s, fill: '#fff', stroke: color, 'stroke-width': 2.5 });
    case 'triangle': return svgEl('path', { d: `M${x} ${y - s - 1}L${x + s + 1} ${y + s}L${x - s - 1} ${y + s}Z`, fill: '#fff', stroke: color, 'stroke-width': 2.5 });
    case 'diamond': return svgEl('path', { d: `M${x} ${y - s - 2}L${x + s + 2} ${y}L${x} ${y + s + 2}L${x - s - 2} ${y}Z`, fill: '#fff', stroke: color, 'stroke-width': 2.5 });
    case 'cross': return svgEl('path', { d: `M${x - s} ${y - s}L${x + s} ${y + s}M${x + s} ${y - s}L${x - s} ${y + s}`, stroke: color, 'stroke-width': 3.5 });
    case 'star': return svgEl('path', { d: `M${x} ${y - s - 2}L${x + 2} ${y - 2}L${x + s + 2} ${y}L${x + 2} ${y + 2}L${x} ${y + s + 2}L${x - 2} ${y + 2}L${x - s - 2} ${y}L${x - 2} ${y - 2}Z`, fill: color });
    default: return svgEl('circle', { cx: x, cy: y, r: s, fill: '#fff', stroke: color, 'stroke-width': 2.5 });
  }
}
const answerWords = (p) => `${outcomeText[p.outcome] || p.outcome}${p.cap ? (p.cap.op === '<' ? ', below ' : ', at most ') + p.cap.value + '%' : p.max_foreign_share === null && p.outcome === 'permitted' ? ', no cap' : ''}${p.certainty === 'uncertain' ? ' (uncertain)' : ''}`;
// a reply names a step's measures by id, each record once in measure_refs (docs/api.md)
const withRefs = (data) => {
  const refs = data.measure_refs || {}, steps = (x) => { x.entered = x.entered.map((id) => refs[id]); x.left = x.left.map((id) => refs[id]); };
  (data.timelines || []).forEach((t) => t.periods.forEach(steps));
  (data.cells || []).forEach((c) => { if (c.entered) steps(c); });
  return data;
};
const docsOf = (p) => [...new Map(p.entered.concat(p.left).map((m) => [m.document, m])).values()];

function stepDetails(t, p, i) {
  const prev = t.periods[i - 1];
  return el('div', {},
    el('p', {}, el('strong', {}, `${t.name} `), zh(t.name_zh), `, from ${p.from}: `, el('strong', {}, answerWords(p)), prev ? ` (before: ${answerWords(prev)})` : ''),
    p.entered.length ? el('p', {}, 'Entered: ', p.entered.map((m, k) => [k ? '; ' : '', appMeasureLink(m.id), ` (${m.effect}${m.status === 'announced' ? ', announced' : ''}) — `, docLink(m.document_title, m.url), m.number ? ` ${m.number}` : '', urlMarks(m.url, m.url_official)])) : null,
    p.left.length ? el('p', {}, 'Left: ', p.left.map((m, k) => [k ? '; ' : '', appMeasureLink(m.id), ` — ${m.document_title}`])) : null,
    p.binding.length ? el('p', { class: 'muted' }, 'Binding: ', p.binding.map((b, k) => [k ? ', ' : '', appMeasureLink(b)])) : null);
}

// The steps of a timeline reply in the order of the chart's numbers: by day,
// then by place as listed; each { no, t, si, p, i }.
function stepList(data) {
  const out = [];
  data.timelines.forEach((t, si) => t.periods.forEach((p, i) => { if (i) out.push({ t, si, p, i }); }));
  out.sort((a, b) => (a.p.from < b.p.from ? -1 : a.p.from > b.p.from ? 1 : a.si - b.si));
  out.forEach((s, k) => { s.no = k + 1; });
  return out;
}
// "3–5, 9": step numbers as ranges
const numRanges = (ns) => {
  const parts = [];
  for (let k = 0; k < ns.length; k++) {
    let j = k;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    parts.push(j > k ? `${ns[k]}–${ns[j]}` : String(ns[k]));
    k = j;
  }
  return parts.join(', ');
};

// The chart is drawn at the width it is shown at (one unit a CSS pixel), so
// its text keeps its size on a phone; the legend below wraps to as many rows
// as the places need; steps on one day at one height share one marker that
// lists them; step labels are placed so that none covers another.
function drawChart(data, width) {
  const W = Math.round(Math.min(900, Math.max(300, width || 900))), phone = W < 560;
  const L = phone ? 70 : 74, R = 14, T = 30, PH = phone ? 230 : 290, AX = 40;
  const fs = phone ? 13 : 12, cw = fs * 0.62; // font size, a character's width
  const first = toDay(data.from);
  let last = data.to ? toDay(data.to) : Math.max(...data.timelines.flatMap((t) => t.periods.map((p) => toDay(p.from)))) + 365;
  if (!(last > first)) last = first + 365;
  const x = (d) => L + ((Math.min(Math.max(d, first), last) - first) / (last - first)) * (W - L - R);
  const y = (v) => T + (1 - v / 125) * PH;
  // the legend's rows
  const longest = Math.max(...data.timelines.map((t) => t.name.length), 4);
  const entryW = Math.min(W - 16, 52 + longest * fs * 0.7) /* bold */, cols = Math.max(1, Math.floor((W - 8) / entryW));
  const rows = Math.ceil(data.timelines.length / cols), LH = fs + 10;
  const H = T + PH + AX + rows * LH + 8, legendY = T + PH + AX;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'tl-chart', role: 'group', 'aria-label': `Maximum foreign share of ${data.service_name} over time, one line per place` },
    svgEl('defs', {}, svgEl('pattern', { id: 'tl-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svgEl('rect', { width: 6, height: 6, fill: '#eef1f4' }), svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9aa3ad', 'stroke-width': 2 }))),
    svgEl('rect', { x: L, y: y(DEPENDS + 6), width: W - R - L, height: y(DEPENDS - 6) - y(DEPENDS + 6), fill: 'url(#tl-hatch)', opacity: 0.6 }),
    svgEl('text', { x: L - 6, y: y(DEPENDS) + 4, 'text-anchor': 'end', class: 'tl-axis' }, 'depends'));
  for (const v of [0, 25, 50, 75, 100]) {
    svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'tl-grid' }),
      svgEl('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tl-axis' }, v === 100 ? 'no cap' : v === 0 ? (phone ? '0%' : 'closed 0%') : v + '%'));
  }
  // year ticks, thinned so that their labels keep apart
  const y0 = new Date(first * DAY).getUTCFullYear(), y1 = new Date(last * DAY).getUTCFullYear();
  const perYear = (W - L - R) / Math.max(1, (last - first) / 365.25), every = Math.max(1, Math.ceil((5 * cw + 14) / perYear));
  for (let yr = y0 + 1; yr <= y1; yr++) {
    const d = toDay(`${yr}-01-01`);
    svg.append(svgEl('line', { x1: x(d), x2: x(d), y1: T, y2: T + PH, class: 'tl-grid' }));
    const edge = x(d) > W - R - 3 * cw ? 'end' : 'middle'; // a tick at the right edge stays inside
    if ((yr - y0 - 1) % every === 0) svg.append(svgEl('text', { x: edge === 'end' ? W - 2 : x(d), y: T + PH + 16, 'text-anchor': edge, class: 'tl-axis' }, String(yr)));
  }
  // the ends of the time axis; an open end says so
  svg.append(svgEl('text', { x: L, y: T + PH + 33, class: 'tl-axis' }, data.from),
    svgEl('text', { x: W - R, y: T + PH + 33, 'text-anchor': 'end', class: 'tl-axis tl-end' }, data.to ? 'until ' + data.to : `open → (drawn to ${fromDay(last)})`));
  const details = $('#tl-details');
  const steps = stepList(data), few = steps.length <= 8;
  const shortDoc = (p) => { const m = p.entered[0] || p.left[0]; if (!m) return ''; const t = m.number || m.document_title; return t.length > 22 ? t.slice(0, 21) + '…' : t; };
  const groups = data.timelines.map((t, si) => svgEl('g', { class: 'tl-series', 'data-region': t.region }));
  data.timelines.forEach((t, si) => {
    const s = SERIES[si % SERIES.length];
    let d = '';
    t.periods.forEach((p, i) => {
      const a = x(toDay(p.from)), b = x(p.until ? toDay(p.until) : last), v = y(yOf(p));
      d += (i ? `L${a} ${v}` : `M${a} ${v}`) + `L${b} ${v}`;
    });
    groups[si].append(svgEl('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 3, 'stroke-dasharray': s.dash || null }));
    // the legend entry: the line's dash, its marker, the place
    const col = si % cols, row = Math.floor(si / cols), lx = 8 + col * entryW, ly = legendY + row * LH + LH / 2;
    groups[si].append(svgEl('line', { x1: lx, x2: lx + 28, y1: ly, y2: ly, stroke: s.color, 'stroke-width': 3, 'stroke-dasharray': s.dash || null }),
      marker(s.shape, lx + 14, ly, s.color), svgEl('text', { x: lx + 36, y: ly + fs * 0.35, class: 'tl-label' }, t.name));
  });
  groups.forEach((g) => svg.append(g));
  // coincident steps (one day, one height) share a marker
  const byPoint = new Map();
  for (const st of steps) {
    const k = st.p.from + ' ' + yOf(st.p);
    if (!byPoint.has(k)) byPoint.set(k, []);
    byPoint.get(k).push(st);
  }
  const placed = []; // label boxes [x0, y0, x1, y1]
  const free = (b) => !placed.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
  const marks = svgEl('g', { class: 'tl-marks' });
  for (const list of byPoint.values()) {
    const st = list[0], s = SERIES[st.si % SERIES.length];
    const cx = x(toDay(st.p.from)), cy = y(yOf(st.p));
    const nums = numRanges(list.map((z) => z.no));
    const text = few && list.length === 1 && shortDoc(st.p) ? `${st.no} ${shortDoc(st.p)}` : nums;
    // the first free place for the label: above right, then higher, then below, then left
    const tw = text.length * cw + 4, th = fs + 2;
    let at = null;
    for (const [dx, dy] of [[7, -8], [7, -8 - th], [7, -8 - 2 * th], [7, 18], [7, 18 + th], [-7 - tw, -8], [-7 - tw, 18], [7, -8 - 3 * th], [-7 - tw, -8 - th]]) {
      let lx = cx + dx;
      if (lx + tw > W - 2) lx = W - 2 - tw;
      if (lx < 2) lx = 2;
      const ly = cy + dy, b = [lx, ly - fs, lx + tw, ly + 2];
      if (b[1] < 2 || b[3] > T + PH + 4) continue;
      if (free(b)) { at = [lx, ly, b]; break; }
    }
    if (!at) { const lx = Math.min(cx + 7, W - 2 - tw), ly = Math.max(cy - 8, fs + 2); at = [lx, ly, [lx, ly - fs, lx + tw, ly + 2]]; }
    placed.push(at[2]);
    const words = list.map((z) => { const docs = docsOf(z.p).map((m) => m.number || m.document_title).join('; '); return `Step ${z.no}: ${z.t.name} on ${z.p.from}: ${answerWords(z.p)}${docs ? '. Caused by ' + docs : ''}`; });
    const label = list.length > 1 ? `Steps ${nums}, ${list.length} places on ${st.p.from}. ` + words.join('. ') : words[0];
    const m = svgEl('g', { class: 'tl-step', tabindex: 0, role: 'img', 'aria-label': label, 'data-date': st.p.from, 'data-region': list.map((z) => z.t.region).join(' '), 'data-step': list.map((z) => z.no).join(' ') },
      svgEl('title', {}, label), marker(s.shape, cx, cy, s.color), list.length > 1 ? svgEl('circle', { cx, cy, r: 10, fill: 'none', stroke: '#1b1f24', 'stroke-width': 1.5 }) : null,
      svgEl('text', { x: at[0], y: at[1], class: 'tl-num' }, text));
    const show = () => { details.replaceChildren(...list.map((z) => stepDetails(z.t, z.p, z.i))); details.hidden = false; };
    m.addEventListener('mouseenter', show);
    m.addEventListener('focus', show);
    m.addEventListener('click', show);
    m.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); show(); } });
    marks.append(m);
  }
  svg.append(marks);
  return svg;
}

function stepsTable(data) {
  const rows = stepList(data).map(({ no, t, si, p, i }) => {
    const s = SERIES[si % SERIES.length];
    return el('tr', {},
      el('td', {}, String(no)),
      el('th', { scope: 'row' }, el('span', { class: 'tl-key s' + (si % SERIES.length), 'data-shape': s.shape }), t.name, zh(t.name_zh)),
      el('td', {}, p.from),
      el('td', {}, answerWords(t.periods[i - 1]), ' → ', el('strong', {}, answerWords(p))),
      el('td', {}, p.entered.map((m, k) => [k ? el('br') : '', '+ ', appMeasureLink(m.id), ' ', docLink(m.number || m.document_title, m.url)]),
        p.left.map((m) => [el('br'), '− ', appMeasureLink(m.id)])));
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'tl-steps' },
    el('caption', { class: 'muted' }, `Every step of the chart: the day, the answer before → after, and the measures that entered (+) or left (−), with their documents.`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '#'), el('th', { scope: 'col' }, 'Place'), el('th', { scope: 'col' }, 'From'), el('th', { scope: 'col' }, 'Answer'), el('th', { scope: 'col' }, 'What changed'))),
    el('tbody', {}, rows)));
}

function timelineParams() {
  const svc = $('#tl-service').value.trim(), s = findService(svc);
  return {
    service: s ? s.id : svc,
    regions: $('#tl-regions').value.trim(),
    investor: $('#tl-investor').value || '',
    share: $('#tl-share').value.trim(),
    outside: $('#tl-outside').checked,
    from: $('#tl-from').value.trim(),
    to: $('#tl-to').value.trim(),
  };
}

async function loadTimeline(push) {
  const p = timelineParams(), err = $('#tl-error');
  for (const f of ['from', 'to']) {
    if (p[f] && !DATE_RE.test(p[f])) return showError(err, { field: f, message: `'${p[f]}' is not a date; type it as YYYY-MM-DD` });
  }
  if (push) urlWrite('timeline', p);
  const q = new URLSearchParams({ service: p.service, regions: p.regions });
  if (p.investor) q.set('investor', p.investor);
  if (p.share) q.set('foreign_share', p.share);
  if (p.outside) q.set('outside_zones', 'true');
  if (p.from) q.set('from', p.from);
  if (p.to) q.set('to', p.to);
  try {
    const data = withRefs(await api('/v1/timeline?' + q));
    showError(err, null);
    $('#tl-details').hidden = true;
    $('#tl-out').replaceChildren(
      el('h2', {}, `${data.service_name} `, zh(data.service_name_zh), ` — maximum foreign share from ${data.from}${data.to ? ' until ' + data.to : ''}`),
      el('p', { class: 'muted' }, `Investor ${data.investor}${data.foreign_share !== null ? ', foreign share ' + data.foreign_share + '%' : ''}. Each line is a place (its own dash, marker and label); each numbered marker is a step: hover, focus (Tab) or select it for the document that caused it. The hatched top lane: the answer depends on a zone inside the place.`),
      el('div', { class: 'tl-wrap' }, drawChart(data, $('#tl-out').clientWidth - 32)),
      el('ul', { class: 'muted' }, data.timelines.flatMap((t) => t.notices.map((n) => el('li', {}, n)))),
      stepsTable(data),
      el('p', { class: 'muted' }, `${data.timelines.reduce((a, t) => a + t.decisions, 0)} decisions for ${data.timelines.length} places. Rulebook ${data.rulebook.id} ${data.rulebook.edition}, sha256 ${data.rulebook.sha256.slice(0, 16)}…`));
  } catch (e) {
    showError(err, e);
  }
}

// ---- diff ---------------------------------------------------------------------------------

function diffParams() {
  return { from: $('#df-from').value.trim(), to: $('#df-to').value.trim(), regions: $('#df-regions').value.trim(), services: $('#df-services').value.trim(), investor: $('#df-investor').value || '' };
}

async function loadDiff(push) {
  const p = diffParams(), err = $('#df-error');
  for (const f of ['from', 'to']) {
    if (!DATE_RE.test(p[f])) return showError(err, { field: f, message: `'${p[f]}' is not a date; type it as YYYY-MM-DD` });
  }
  if (push) urlWrite('diff', p);
  const q = new URLSearchParams({ from: p.from, to: p.to });
  for (const k of ['regions', 'services', 'investor']) if (p[k]) q.set(k, p[k]);
  try {
    const d = withRefs(await api('/v1/diff?' + q));
    showError(err, null);
    const cells = new Map(d.cells.map((c) => [c.region + ' ' + c.service, c]));
    const svc = d.services.map((id) => state.services.find((s) => s.id === id) || { id, name: id, aliases: [] });
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Place ', zh('地点')), svc.map((s) => el('th', { scope: 'col' }, s.aliases[0] || s.id, el('small', {}, s.name_zh || s.name))));
    const rows = d.places.map((r) => el('tr', {}, el('th', { scope: 'row' }, regionName(r), zh(regionZh(r))),
      svc.map((s) => {
        const c = cells.get(r + ' ' + s.id);
        if (!c) return el('td', { class: 'same' }, el('span', { 'aria-label': 'unchanged' }, '='));
        const text = `${c.before.label} → ${c.after.label}`;
        return el('td', {}, el('button', {
          type: 'button', class: 'changed ' + cellClass(c.after), 'data-region': r, 'data-service': s.id,
          'aria-label': `${regionName(r)}, ${s.name}: ${answerWords(c.before)} on ${d.from}, ${answerWords(c.after)} on ${d.to}. Details.`,
          onclick: () => diffDetails(d, c, s),
        }, text));
      })));
    $('#df-out').replaceChildren(el('p', {}, `${d.cells.length} of ${d.places.length * d.services.length} answers differ between ${d.from} and ${d.to}.`),
      el('div', { class: 'grid-wrap' }, el('table', { class: 'matrix diff' },
        el('caption', { class: 'muted' }, `What changed from ${d.from} to ${d.to} (maximum foreign share before → after; = unchanged). Select a cell for why.`),
        el('thead', {}, head), el('tbody', {}, rows))),
      el('div', { id: 'df-details', class: 'card', 'aria-live': 'polite', hidden: true }));
  } catch (e) {
    showError(err, e);
  }
}

function diffDetails(d, c, s) {
  const box = $('#df-details');
  box.replaceChildren(el('h3', {}, `${s.aliases[0] || s.id} in ${c.name} `, zh(c.name_zh)),
    el('p', {}, `${d.from}: ${answerWords(c.before)}`, el('br'), `${d.to}: `, el('strong', {}, answerWords(c.after)), c.cap_changed ? ' — the maximum share changed' : ''),
    c.entered.length ? el('p', {}, 'Entered: ', c.entered.map((m, k) => [k ? '; ' : '', appMeasureLink(m.id), ' — ', docLink(m.document_title, m.url), m.number ? ` ${m.number}` : ''])) : null,
    c.left.length ? el('p', {}, 'Left: ', c.left.map((m, k) => [k ? '; ' : '', appMeasureLink(m.id), ' — ', m.document_title])) : null);
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

// ---- wiring (called by app.js) ---------------------------------------------------------------

function initTimelineViews() {
  // called again when the sector changes: the investor lists are refilled, the
  // listeners attached once
  for (const sel of [$('#tl-investor'), $('#df-investor')]) {
    sel.replaceChildren();
    for (const v of state.investors) sel.append(el('option', { value: v.id, selected: v.id === 'foreign' }, `${v.name} ${v.name_zh || ''}`.trim()));
  }
  const pilot = state.groupRegion || '';
  if (!$('#tl-regions').value) {
    const some = ['110000', '310000', '330100', '440300', '460000'].filter((id) => state.regions.some((r) => r.id === id));
    $('#tl-regions').value = some.length ? some.join(',') : pilot;
  }
  if (!$('#df-regions').value) $('#df-regions').value = pilot;
  if (initTimelineViews.done) return;
  initTimelineViews.done = true;
  $('#tl-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadTimeline(true); });
  $('#df-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadDiff(true); });
}

// Fills a view from the address bar and shows it; returns false when the view is not one of these.
function routeTimelineViews(o) {
  const set = (id, v) => { if (v !== undefined) $(id).value = v; };
  if (o.view === 'timeline') {
    set('#tl-service', o.service); set('#tl-regions', o.regions); set('#tl-share', o.share); set('#tl-from', o.from); set('#tl-to', o.to);
    if (o.investor) $('#tl-investor').value = o.investor;
    $('#tl-outside').checked = o.outside === 'true';
    selectTab('timeline');
    if ($('#tl-service').value) loadTimeline(false);
    return true;
  }
  if (o.view === 'diff') {
    set('#df-from', o.from); set('#df-to', o.to); set('#df-regions', o.regions); set('#df-services', o.services);
    if (o.investor) $('#df-investor').value = o.investor;
    selectTab('diff');
    if ($('#df-from').value && $('#df-to').value) loadDiff(false);
    return true;
  }
  if (o.view === 'measure' && o.id) {
    showMeasure(o.id);
    return true;
  }
  return false;
}
