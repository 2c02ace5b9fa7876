// Kaifang web page — the Registry tab: applications with their state, intake
// decision and deadline; statistics drawn as SVG charts (approvals by zone,
// city and service over the months, time to decision) with the published
// figures and their sources beside them. Plain JavaScript, no build step;
// uses the helpers of app.js ($, el, api) and the /v1/registry API
// (docs/api.md "Registry"). Every number comes from the API; the page only
// draws it.
'use strict';

const reg = { loaded: false, apps: null, dim: 'zone' };

const MONTHS = (from, to) => { // ['2024-10', ...] from..to inclusive
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
};
const monthEnd = (ym, asOf) => { // last day of the month, or as_of in its own month
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return asOf < d ? asOf : d;
};
// the series colours; the legend's swatches are the same colours as classes
// .s0-.s7 in app.css (the page's CSP allows no inline styles)
const PALETTE = ['#0b5cad', '#b35900', '#1f8a4c', '#8e44ad', '#c0392b', '#00838f', '#6d4c41', '#5b6470'];

// ---- applications ------------------------------------------------------------------

function outcomeBadge(o) {
  if (!o) return el('span', { class: 'muted' }, 'not decided');
  return el('span', { class: 'badge small b-' + o }, o.replace('_', ' '));
}

function deadlineText(d) {
  if (!d || !d.readings) return '—';
  const msgs = [...new Set(d.readings.map((r) => r.message))];
  return msgs.join(' / ') + (d.certainty === 'uncertain' ? ' (basis uncertain)' : '');
}

// A licence's services one by one, as the library gives them (list's and
// show's licences[].coverage): service, coverage area, issue and expiry date.
function licenceRows(l) {
  return el('div', { class: 'licence' }, el('span', { class: 'muted' }, 'licence '), el('span', { class: 'mono' }, l.number),
    el('ul', { class: 'cover' }, (l.coverage || []).map((c) => el('li', {},
      el('span', { class: 'mono' }, c.service), ' ', c.service_name || '', ' — ',
      c.area_names ? c.area_names.join(', ') : el('span', { class: 'muted' }, 'area not recorded'),
      ', ', c.issued || '—', ' – ', c.expires || '—'))));
}

async function loadApplications() {
  const box = $('#reg-apps'), err = $('#reg-error');
  const state = $('#reg-state').value;
  try {
    const apps = await api('/v1/registry/applications' + (state ? '?state=' + encodeURIComponent(state) : ''));
    // the deadline is part of each application's full view; fetch it for the
    // applications whose clock can run
    const live = new Set(['submitted', 'returned', 'accepted', 'under-review', 'expert-review']);
    const full = await Promise.all(apps.map((a) => (live.has(a.state) ? api('/v1/registry/applications/' + encodeURIComponent(a.id)).catch(() => null) : null)));
    reg.apps = apps;
    $('#reg-count').textContent = `${apps.length} application${apps.length === 1 ? '' : 's'}`;
    const cell = (label, ...kids) => el('td', { 'data-label': label }, ...kids);
    const rows = apps.map((a, i) => el('tr', {},
      cell('id', el('span', { class: 'mono' }, a.id)),
      cell('enterprise', a.enterprise_name || '—', a.source ? el('div', { class: 'src' }, 'source: ', sourceLinks(a.source)) : null),
      cell('state', el('span', { class: 'tag state-' + a.state }, a.state)),
      // the library says why a zone is empty: no zone on the route, or not published
      cell('zone', a.zone_name || el('span', { class: 'muted' + (a.no_pilot_zone ? ' no-zone' : '') }, a.zone_text || 'not published')),
      cell('services', (a.services || []).join(', ') || el('span', { class: 'muted' }, 'not published'),
        // each licence service by service, as the list gives it (licences[].coverage)
        (a.licences || []).map(licenceRows)),
      cell('intake decision', outcomeBadge(a.intake_outcome), a.outcome_changed ? el('div', { class: 'warn' }, 'changed at approval') : null),
      cell('deadline', full[i] ? deadlineText(full[i].deadline) : el('span', { class: 'muted' }, live.has(a.state) ? '—' : 'closed'))));
    box.replaceChildren(...rows);
    showError(err, null);
  } catch (e) {
    showError(err, e);
  }
}

// ---- statistics ---------------------------------------------------------------------

// Cumulative approvals per group at the end of each month: one stats call for
// the months, then one per month in which something was approved (the counts
// only change there).
async function seriesBy(dim, asOf) {
  const byMonth = await api(`/v1/registry/stats?as_of=${asOf}&by=month`);
  const active = byMonth.approvals.groups.map((g) => g.key).sort();
  // from the earliest published figure (the pilot's start) or the month before
  // the first approval, whichever is earlier, to the as-of month
  const firsts = [...byMonth.figures.map((f) => f.as_of.slice(0, 7)), ...active];
  let start = firsts.length ? firsts.sort()[0] : asOf.slice(0, 7);
  if (active.length && start === active[0]) {
    const [fy, fm] = start.split('-').map(Number);
    start = fm === 1 ? `${fy - 1}-12` : `${fy}-${String(fm - 1).padStart(2, '0')}`;
  }
  if (start > asOf.slice(0, 7)) start = asOf.slice(0, 7);
  const months = MONTHS(start, asOf.slice(0, 7));
  const snaps = {};
  await Promise.all(active.map(async (m) => { snaps[m] = await api(`/v1/registry/stats?as_of=${monthEnd(m, asOf)}&by=${dim}`); }));
  const groups = new Map(); // key -> {name, values[]}
  const add = (key, name) => { if (!groups.has(key)) groups.set(key, { key, name, values: [] }); };
  for (const s of Object.values(snaps)) {
    for (const g of s.approvals.groups) add(g.key, g.name);
    if (s.approvals.not_published) add('_np', `${dim} not published`);
  }
  let last = null;
  for (const m of months) {
    if (snaps[m]) last = snaps[m];
    for (const g of groups.values()) {
      let v = 0;
      if (last) {
        if (g.key === '_np') v = last.approvals.not_published || 0;
        else { const f = last.approvals.groups.find((x) => x.key === g.key); v = f ? f.count : 0; }
      }
      g.values.push(v);
    }
  }
  return { months, groups: [...groups.values()], total: byMonth.approvals.counted };
}

// Stacked bars: the approvals of each month (from the cumulative counts),
// one colour per group, with a data table for screen readers and exact values.
function barChart(title, s) {
  const W = 640, H = 270, L = 44, R = 12, T = 20, B = 54;
  const n = s.months.length;
  const fresh = s.groups.map((g) => g.values.map((v, i) => v - (i ? g.values[i - 1] : 0)));
  const totals = s.months.map((_, i) => fresh.reduce((a, f) => a + f[i], 0));
  const max = Math.max(1, ...totals);
  const slot = (W - L - R) / n, bw = Math.min(48, slot * 0.7);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const label = s.months.map((m, i) => (totals[i] ? `${m}: ${totals[i]}` : null)).filter(Boolean).join(', ');
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${label || 'no approvals'}`, class: 'chart' });
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  for (const t of ticks) {
    svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'grid' }));
    svg.append(svgEl('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'axis' }, t));
  }
  // month labels as "MM" with the year under the first month and each
  // January, thinned so that no two touch (a label is about 2.2 em wide; the
  // phone stylesheet draws them larger)
  const em = window.matchMedia && window.matchMedia('(max-width: 640px)').matches ? 20 : 12;
  const every = Math.max(1, Math.ceil((2.2 * em) / slot));
  s.months.forEach((m, i) => {
    const cx = L + slot * (i + 0.5);
    if (i % every === 0) {
      svg.append(svgEl('text', { x: cx, y: H - B + 16, 'text-anchor': 'middle', class: 'axis' + (totals[i] ? ' strong' : '') }, m.slice(5)));
      if (i < every || m.endsWith('-01')) svg.append(svgEl('text', { x: cx, y: H - B + 16 + Math.round(em * 1.4), 'text-anchor': 'middle', class: 'axis year' }, m.slice(0, 4)));
    }
    let base = 0;
    s.groups.forEach((g, k) => {
      const v = fresh[k][i];
      if (v <= 0) return;
      const colour = g.key === '_np' ? '#9aa3ad' : PALETTE[k % PALETTE.length];
      svg.append(svgEl('rect', { x: cx - bw / 2, y: y(base + v), width: bw, height: y(base) - y(base + v), fill: colour, class: g.key === '_np' ? 'np' : null },
        svgEl('title', {}, `${m}, ${g.name}: ${v}`)));
      base += v;
    });
    if (totals[i]) svg.append(svgEl('text', { x: cx, y: y(totals[i]) - 5, 'text-anchor': 'middle', class: 'axis strong' }, totals[i]));
  });
  const legend = el('ul', { class: 'legend' }, s.groups.map((g, k) => el('li', {},
    el('span', { class: 'sw ' + (g.key === '_np' ? 'snp' : 's' + (k % PALETTE.length)) }), `${g.name}: ${g.values[n - 1]}`)));
  const table = el('details', { class: 'data' }, el('summary', {}, 'the numbers (approved in the month / total by its end)'),
    el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'month'), s.groups.map((g) => el('th', { scope: 'col' }, g.name)))),
      el('tbody', {}, s.months.map((m, i) => el('tr', {}, el('th', { scope: 'row' }, m), s.groups.map((g, k) => el('td', {}, `${fresh[k][i]} / ${g.values[i]}`))))))));
  return el('figure', { class: 'card chart-card' }, el('figcaption', {}, title), svg, legend, table);
}

// Time to decision: the median and 90th percentile as bars on one day scale.
function timeChart(t, basisNote) {
  const fig = el('figure', { class: 'card chart-card time-card' }, el('figcaption', {}, 'Time to decision (days from acceptance)'));
  if (!t || !t.n) {
    fig.append(el('p', { class: 'muted' }, 'No application in the records has both an acceptance and a decision date yet, so there is no time to decision to draw. The public record of the pilot gives decision days but no acceptance days.'));
    return fig;
  }
  // drawn in a narrow column: a small viewBox so its text is not scaled down
  const W = 340, H = 110, L = 112, R = 44, max = Math.max(60, t.p90_days || 0);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart time', 'aria-label': `median ${t.median_days} days, 90th percentile ${t.p90_days} days, over ${t.n} decisions` });
  [['median', t.median_days, 20], ['90th percentile', t.p90_days, 60]].forEach(([name, v, yy]) => {
    svg.append(svgEl('text', { x: L - 8, y: yy + 14, 'text-anchor': 'end', class: 'axis' }, name));
    svg.append(svgEl('rect', { x: L, y: yy, height: 20, width: ((W - L - R) * v) / max, class: 'bar' }));
    svg.append(svgEl('text', { x: L + ((W - L - R) * v) / max + 6, y: yy + 14, class: 'axis' }, `${v} d`));
  });
  fig.append(svg, el('p', { class: 'muted' }, `${t.n} decision${t.n === 1 ? '' : 's'}. ${basisNote || ''}`));
  return fig;
}

function figuresList(figs) {
  return el('div', { class: 'card figures' }, el('h3', {}, 'Published figures ', el('span', { lang: 'zh' }, '公开数字')),
    el('ul', {}, figs.map((f) => el('li', {},
      el('strong', {}, String(f.value)), ' ', f.measure.replace(/-/g, ' '), ' as of ', f.as_of,
      f.zones && f.zones.length ? ' — ' + f.zones.map((z) => z.name).join(', ') : '',
      ' ', el('span', { class: 'tag ' + (f.reliability === 'CONFIRMED' ? 'official' : 'uncertain') }, f.reliability),
      f.counted_in_records !== null && f.counted_in_records !== undefined
        ? el('div', { class: f.counted_in_records === f.value ? 'match' : 'warn' }, `records count ${f.counted_in_records} on that day${f.counted_in_records === f.value ? ' — reproduced' : ''}`)
        : null,
      el('div', { class: 'src' }, 'source: ', sourceLinks(f.source)),
      f.note ? el('div', { class: 'muted' }, f.note) : null))));
}

// "A1 http://... ; A2 https://..." → the ids with their links.
function sourceLinks(text) {
  return (text || '').split(' ; ').flatMap((part, i) => {
    const m = part.match(/^(.*?)\s*(https?:\/\/\S+)$/);
    const bits = m ? [m[1] ? m[1] + ' ' : '', ext(m[2], null, new URL(m[2]).hostname)] : [part];
    return i ? [' ; ', ...bits] : bits;
  });
}

async function loadStats() {
  const asOf = $('#reg-asof').value.trim() || today();
  const box = $('#reg-charts'), err = $('#reg-stats-error');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return showError(err, { field: 'as_of', message: `'${asOf}' is not a date; type it as YYYY-MM-DD` });
  try {
    const [s, series] = await Promise.all([api(`/v1/registry/stats?as_of=${asOf}&by=${reg.dim}`), seriesBy(reg.dim, asOf)]);
    $('#reg-total').replaceChildren(el('strong', {}, String(s.approvals.counted)), ` approvals in the records as of ${s.as_of}`,
      s.approvals.not_published ? ` (${s.approvals.not_published} without a published ${reg.dim})` : '', ` · ${s.filed} filed and not decided`);
    box.replaceChildren(
      el('div', { class: 'charts' }, barChart(reg.dim === 'service'
        // GET /v1/registry/stats?by=service counts an approval once for each
        // service it names (src/registry/stats.c): the bars are approvals × services
        ? 'Approvals × services, month by month — an approval naming two services counts once under each, so the bars may sum to more than the approvals'
        : `Approvals by ${reg.dim}, month by month`, series), timeChart(s.time_to_decision)),
      figuresList(s.figures));
    showError(err, null);
  } catch (e) {
    showError(err, e);
  }
}

function initRegistry() {
  if (!$('#panel-registry')) return;
  // the month labels are thinned for the width drawn at: redraw across the phone breakpoint
  if (window.matchMedia) window.matchMedia('(max-width: 640px)').addEventListener('change', () => { if (reg.loaded) loadStats(); });
  $('#reg-asof').value = '2025-02-28';
  $('#reg-state').addEventListener('change', loadApplications);
  $('#reg-asof').addEventListener('change', loadStats);
  for (const b of document.querySelectorAll('#reg-dims button')) {
    b.addEventListener('click', () => {
      reg.dim = b.dataset.dim;
      for (const o of document.querySelectorAll('#reg-dims button')) o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      loadStats();
    });
  }
}

// Called by app.js's selectTab the first time the tab opens.
window.kfRegistryOpen = async function () {
  if (reg.loaded) return;
  reg.loaded = true;
  await Promise.all([loadApplications(), loadStats()]);
  $('#panel-registry').dataset.ready = 'true';
};
initRegistry();
