// Kaifang web page, Ownership tab: paste or upload an ownership source (a CSV
// pair, a BODS file, GLEIF Level 2 records), pick the applicant, see its
// look-through foreign share and a drawing of who owns it, then decide from it.
// Plain JavaScript, loaded after app.js (uses its $, el, zh, api, state,
// renderDecision, outcomeText). The library reads every byte (docs/api.md):
//   POST /v1/ownership/entities        the entities to pick from, the load notes
//   POST /v1/ownership/look-through    the look-through, with ?graph=N the
//                                      applicant's ancestor graph (N nodes at most)
//   POST /v1/decisions                 a question carrying the same structure
// The page never parses the source: JSON text is sent as written (shares exact).
'use strict';

const OWN_GRAPH_NODES = 150; // ancestors drawn at most (the library says when there are more)
const own = { structure: null, entities: [], result: null, notes: [] };

// The ownership structure as JSON text, as POST /v1/decisions takes it.
function ownStructure() {
  const fmt = $('#own-format').value;
  if (fmt === 'csv') {
    const e = $('#own-entities').value, h = $('#own-holdings').value;
    if (!e.trim() || !h.trim()) throw new Error('paste or upload both entities.csv and holdings.csv');
    return JSON.stringify({ format: 'csv', entities: e, holdings: h });
  }
  const t = $('#own-json').value.trim();
  if (!t) throw new Error('paste or upload a ' + ({ bods: 'BODS', gleif: 'GLEIF', kaifang: 'kaifang' }[fmt]) + ' JSON file');
  if (fmt === 'kaifang') return t; // the object {"format": "kaifang", entities, holdings} itself
  return `{"format":${JSON.stringify(fmt)},"data":${t}}`;
}

async function ownPost(path, text) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data && data.error) || { code: 'http_' + res.status, message: res.statusText, field: null };
    throw Object.assign(new Error(err.message), err, { status: res.status });
  }
  return data;
}

function ownShowFormat() {
  const csv = $('#own-format').value === 'csv';
  $('#own-csv').hidden = !csv;
  $('#own-json-box').hidden = csv;
}

// "more than 50% to 100%": a range with its open ends in words
function rangeText(r) {
  if (r.min === r.max && !r.min_open && !r.max_open) return r.min + '%';
  return `${r.min_open ? 'more than ' : ''}${r.min}% to ${r.max_open ? 'less than ' : ''}${r.max}%`;
}

async function ownRead() {
  showError($('#own-error'), null);
  $('#own-result').hidden = true;
  $('#own-decision').hidden = true;
  try {
    own.structure = ownStructure();
    const d = $('#own-date').value;
    const g = await ownPost('/v1/ownership/entities' + (d ? '?date=' + d : ''), own.structure);
    own.entities = g.entities;
    own.notes = g.warnings;
    // companies with holders first: those are the applicants worth asking about
    const opts = [...g.entities].sort((a, b) => (b.holders > 0) - (a.holders > 0));
    // a list to pick from (the library lists the first 5000; any id can be typed)
    $('#own-applicant-list').replaceChildren(...opts.map((x) => el('option', { value: x.id,
      label: `${x.id}${x.name ? ' — ' + x.name : ''}${x.holders ? '' : ' (no holders)'}` })));
    $('#own-applicant').value = opts.length ? opts[0].id : '';
    $('#own-summary').textContent = `${g.entity_count} entities, ${g.holding_count} holdings` +
      (g.truncated ? `; the first ${g.entities.length} listed` : '') +
      (g.warnings.length ? `; ${g.warnings.length} load note${g.warnings.length > 1 ? 's' : ''}` : '');
    $('#own-pick').hidden = false;
    $('#own-compute').focus();
  } catch (e) {
    showError($('#own-error'), e);
  }
}

async function ownCompute() {
  showError($('#own-error'), null);
  $('#own-decision').hidden = true;
  try {
    const id = $('#own-applicant').value.trim(), d = $('#own-date').value;
    if (!id) throw new Error('name the applicant: an entity id of the source');
    const qs = new URLSearchParams({ entity: id, graph: String(OWN_GRAPH_NODES) });
    if (d) qs.set('date', d);
    if ($('#own-legal').checked) qs.set('stop_at_foreign_entity', 'true');
    own.result = await ownPost('/v1/ownership/look-through?' + qs, own.structure);
    renderOwnership(own.result);
  } catch (e) {
    showError($('#own-error'), e);
  }
}

function renderOwnership(r) {
  const box = $('#own-result');
  const dl = (rows) => el('dl', { class: 'own-figures' }, rows.map(([k, v, cls]) => [el('dt', {}, k), el('dd', { class: cls }, v)]));
  const chainText = (c) => c.path.join(' → ');
  const warnings = [...new Set([...own.notes, ...r.warnings])];
  const graph = ownGraph(r);
  box.replaceChildren(...[
    el('h2', {}, `${r.entity}${r.name ? ' — ' + r.name : ''}`),
    dl([
      ['Foreign share 外资比例', rangeText(r.foreign_share), 'own-foreign'],
      ['of which Hong Kong, Macao, Taiwan 港澳台', rangeText(r.hk_mo_tw_share), 'own-hkmotw'],
      ['Unattributed (may be foreign) 未归属', r.unattributed + '%', 'own-unattributed'],
      ['Ultimate controller 实际控制人', r.ultimate_controller || 'none', 'own-controller'],
      ['Exact', r.exact ? 'yes' : 'no — rounded once to 0.000000001%'],
    ]),
    el('h3', {}, 'Chains that carry the share'),
    r.chains.length ? el('ul', { class: 'own-chains' }, r.chains.map((c) => el('li', {}, el('strong', {}, c.share + '% '), chainText(c), el('span', { class: 'tag' }, c.holder_origin)))) : el('p', { class: 'muted' }, 'none'),
    r.deciding_holdings.length ? [el('h3', {}, 'Holdings that decide it'), el('ul', { class: 'own-deciding' }, r.deciding_holdings.map((h) => el('li', {},
      `${h.owner || '(undisclosed holders)'} in ${h.owned}: ${rangeText(h.share)}, ${h.reason}, carries ${h.effect}%`, h.source ? el('span', { class: 'muted' }, ' — ' + h.source) : null)))] : null,
    el('h3', {}, 'Warnings ', zh('提示')),
    warnings.length ? el('ul', { class: 'own-warnings' }, warnings.map((w) => el('li', {}, w))) : el('p', { class: 'muted own-warnings-none' }, 'none'),
    el('h3', {}, 'Who owns it'),
    ownLegend(),
    el('div', { class: 'own-graph-wrap' }, graph),
    // on a phone (app.css shows it below 640 px) a drawing wider than the screen says so
    +(graph.getAttribute('width') || 0) > 340 ? el('p', { class: 'muted own-scroll-hint', 'aria-hidden': 'true' }, 'The drawing is wider than the screen: scroll it sideways.') : null,
    r.graph && r.graph.truncated ? el('p', { class: 'muted' }, `Only the nearest ${r.graph.nodes.length} of the applicant's owners are drawn.`) : null,
  ].flat().filter((x) => x));
  box.hidden = false;
  $('#own-decide').hidden = false;
}

function ownLegend() {
  const item = (cls, text) => el('li', {}, el('span', { class: 'sw ' + cls }), text);
  return el('ul', { class: 'legend own-legend', 'aria-label': 'Legend of the drawing' },
    item('o-foreign', 'foreign holder'), item('o-hk_mo_tw', 'Hong Kong / Macao / Taiwan'), item('o-domestic', 'mainland'),
    item('o-unknown', 'origin unknown'), el('li', {}, el('span', { class: 'sw e-chain' }), 'carries the share'),
    el('li', {}, el('span', { class: 'sw e-deciding' }), 'decides the range'), el('li', {}, el('span', { class: 'sw e-control' }), 'control only'));
}

// The applicant's ancestor graph as SVG: owners above what they own, one row
// per depth, rows ordered by where their holdings point (one barycentre pass).
function ownGraph(r) {
  const NS = 'http://www.w3.org/2000/svg';
  const g = r.graph;
  const s = (tag, attrs, ...kids) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const k of kids) e.append(k.nodeType ? k : document.createTextNode(String(k)));
    return e;
  };
  if (!g || !g.nodes.length) return el('p', { class: 'muted' }, 'no graph');
  const W = 176, H = 46, GX = 28, GY = 72, PAD = 8;
  const rows = [];
  for (const n of g.nodes) (rows[n.depth] ||= []).push(n);
  const pos = new Map();
  rows.forEach((row, d) => {
    if (d > 0) { // order by the mean x of what they hold (already placed)
      const mean = (n) => {
        const xs = g.edges.filter((e) => e.owner === n.id && pos.has(e.owned)).map((e) => pos.get(e.owned).x);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      };
      row.sort((a, b) => mean(a) - mean(b));
    }
    row.forEach((n, i) => pos.set(n.id, { x: i * (W + GX), d }));
  });
  const inner = Math.max(...rows.map((row) => row.length)) * (W + GX) - GX;
  const width = inner + 2 * PAD;
  rows.forEach((row) => { // centre each row
    const off = (inner - (row.length * (W + GX) - GX)) / 2;
    for (const n of row) pos.get(n.id).x += off + PAD;
  });
  const depth = rows.length - 1;
  const y = (d) => PAD + (depth - d) * (H + GY);
  const onChain = new Set(), deciding = new Set();
  for (const c of r.chains) for (let i = 0; i + 1 < c.path.length; i++) onChain.add(c.path[i] + '\u0000' + c.path[i + 1]);
  for (const h of r.deciding_holdings) if (h.owner) deciding.add(h.owner + '\u0000' + h.owned);
  const svg = s('svg', { viewBox: `0 0 ${width} ${y(0) + H + PAD}`, width, role: 'img', class: 'own-graph', 'aria-label': `Owners of ${r.entity}` },
    s('title', {}, `Who owns ${r.entity}: ${g.nodes.length} entities, ${g.edges.length} holdings`),
    s('defs', {}, s('marker', { id: 'own-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#5b6470' })),
      // a box's text never runs out of it, whatever its glyphs' widths (the full text is in the title)
      s('clipPath', { id: 'own-clip' }, s('rect', { x: 4, y: 0, width: W - 8, height: H }))));
  const labels = s('g', { class: 'own-labels' }); // drawn last: above the lines and boxes
  // Each holding leaves its owner and enters the owned company at a port of
  // its own along the box's top or bottom side, the ports of one side in the
  // order of the other ends' x, so lines into one company do not meet in one
  // point and their labels do not collide. A holding points down, from the
  // owner's bottom to the owned company's top, its label near the owner's
  // end (where owners are spread out); one that points up (a cycle back to a
  // company drawn above) is an S-curve from the owner's top to the owned
  // company's bottom; one between companies of a row is an arc above them.
  const list = [];
  const side = new Map();
  const port = (id, where, t, end) => {
    const k = id + '\u0000' + where;
    (side.get(k) || side.set(k, []).get(k)).push({ t, end });
  };
  for (const e of g.edges) {
    const a = pos.get(e.owner), b = pos.get(e.owned);
    if (!a || !b) continue;
    const t = { e, a, b, dir: a.d > b.d ? 'down' : a.d < b.d ? 'up' : 'beside' };
    list.push(t);
    port(e.owner, t.dir === 'down' ? 'bottom' : 'top', t, 'x1');
    port(e.owned, t.dir === 'up' ? 'bottom' : 'top', t, 'x2');
  }
  for (const l of side.values()) {
    const other = (q) => (q.end === 'x1' ? q.t.b : q.t.a).x;
    l.sort((p, q) => other(p) - other(q));
    l.forEach((q, i) => { q.t[q.end] = (q.end === 'x1' ? q.t.a : q.t.b).x + W * (i + 1) / (l.length + 1); });
  }
  const clampX = (x, label) => { // keep the label inside the drawing (about 6.5 px a character at 11 px)
    const half = Math.min(label.length * 3.25 + 4, width / 2);
    return Math.min(Math.max(x, half), width - half);
  };
  const edge = (t, shape, lx, ly) => {
    const { e } = t;
    const key = e.owner + '\u0000' + e.owned;
    const cls = 'own-edge' + (e.control ? ' control' : '') + (onChain.has(key) ? ' chain' : '') + (deciding.has(key) ? ' deciding' : '') + (t.dir !== 'down' ? ' back' : '');
    const label = e.control ? 'control' : e.unknown ? '?' : rangeText(e.share);
    const title = `${e.owner} holds ${label} of ${e.owned}${e.source ? ' (' + e.source + ')' : ''}`;
    svg.append(s('g', { class: cls, 'data-owner': e.owner, 'data-owned': e.owned }, s('title', {}, title), shape));
    labels.append(s('text', { x: clampX(lx, label), y: ly, 'text-anchor': 'middle', class: 'own-share', 'data-owner': e.owner, 'data-owned': e.owned }, label));
  };
  list.forEach((t, i) => {
    const { x1, x2 } = t;
    if (t.dir === 'down') {
      const y1 = y(t.a.d) + H, y2 = y(t.b.d), f = 0.28;
      // near the owner's end, and within the owner's column: where a company
      // has many owners, a label placed along a long line would sit under
      // another owner
      const dx = Math.max(-W / 2 + 24, Math.min(W / 2 - 24, (x2 - x1) * f));
      edge(t, s('line', { x1, y1, x2, y2, 'marker-end': 'url(#own-arrow)' }), x1 + dx, y1 + (y2 - y1) * f + 4);
    } else if (t.dir === 'up') {
      const y1 = y(t.a.d), y2 = y(t.b.d) + H, k = GY / 2;
      edge(t, s('path', { d: `M${x1},${y1} C${x1},${y1 - k} ${x2},${y2 + k} ${x2},${y2}`, fill: 'none', 'marker-end': 'url(#own-arrow)' }),
        (x1 + x2) / 2 + 14, (y1 + y2) / 2 + 4);
    } else {
      const yy = y(t.a.d), h = Math.min(GY - 14, 26 + 8 * (i % 3));
      edge(t, s('path', { d: `M${x1},${yy} C${x1},${yy - h} ${x2},${yy - h} ${x2},${yy}`, fill: 'none', 'marker-end': 'url(#own-arrow)' }),
        (x1 + x2) / 2, yy - h * 0.75 - 2);
    }
  });
  for (const n of g.nodes) {
    const p = pos.get(n.id);
    const cut = (t, k) => (t.length > k ? t.slice(0, k - 1) + '…' : t);
    svg.append(s('g', { class: `own-node o-${n.origin}${n.depth === 0 ? ' applicant' : ''}`, 'data-id': n.id, transform: `translate(${p.x},${y(p.d)})` },
      s('title', {}, `${n.id}${n.name ? ' — ' + n.name : ''} (${n.kind}, ${n.origin})`),
      s('rect', { width: W, height: H, rx: 6 }),
      s('text', { x: 8, y: 18, class: 'own-id', 'clip-path': 'url(#own-clip)' }, cut(n.id, 24)),
      s('text', { x: 8, y: 36, class: 'own-name', 'clip-path': 'url(#own-clip)' }, cut(n.name || n.kind, 28))));
  }
  svg.append(labels);
  return svg;
}

async function ownDecide(ev) {
  ev.preventDefault();
  showError($('#own-error'), null);
  const box = $('#own-decision');
  try {
    const q = { service: $('#own-service').value.trim(), region: $('#own-region').value.trim() };
    if ($('#own-qdate').value) q.date = $('#own-qdate').value;
    if ($('#own-outside').checked) q.outside_zones = true;
    q.applicant = $('#own-applicant').value;
    if ($('#own-legal').checked) q.legal_form = true;
    // the structure goes in as written: spliced, not parsed and re-serialised
    const body = JSON.stringify(q).slice(0, -1) + ',"ownership":' + own.structure + '}';
    const d = await ownPost('/v1/decisions', body);
    renderDecision(d, box);
    box.prepend(el('p', { class: 'own-from' }, `Foreign share from the look-through of ${d.ownership.applicant}: ${rangeText(d.ownership.look_through.foreign_share)}` +
      (d.ownership.other_test ? ` (the ${d.ownership.other_test.test} test gives ${rangeText(d.ownership.other_test.foreign_share)}: ${outcomeText[d.ownership.other_test.outcome] || d.ownership.other_test.outcome})` : '')));
    box.hidden = false;
  } catch (e) {
    showError($('#own-error'), e);
  }
}

function initOwnership() {
  $('#own-format').addEventListener('change', ownShowFormat);
  ownShowFormat();
  const upload = (input, target) => input.addEventListener('change', async () => {
    const f = input.files[0];
    if (f) $(target).value = await f.text();
  });
  upload($('#own-entities-file'), '#own-entities');
  upload($('#own-holdings-file'), '#own-holdings');
  upload($('#own-json-file'), '#own-json');
  $('#own-read').addEventListener('click', ownRead);
  $('#own-compute').addEventListener('click', ownCompute);
  $('#own-decide').addEventListener('submit', ownDecide);
  $('#own-qdate').value = today();
}
initOwnership();
