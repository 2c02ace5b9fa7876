#!/usr/bin/env node
// bench/peers/run_peers.js — the peers' side of `make bench-peers`.
//
//   node bench/peers/run_peers.js SIZE_DIR KAIFANG_ANSWERS
//
// SIZE_DIR is one size written by bench/gen.py (zen.json, jre.json, facts.jsonl);
// KAIFANG_ANSWERS is bench_decide --answers output for the same questions.tsv.
// Compares questions whose Kaifang answer is a decision and not `indeterminate`
// (the peers have no "a zone inside the place changes the answer" step; where that
// does not arise Kaifang's answer is the answer at the place itself, which is what
// the peers compute). Unknown codes are parse errors in Kaifang, not decisions, and
// are left out too. Before timing, every peer answer (outcome and max foreign share)
// must equal Kaifang's: otherwise it prints the differences and exits 1.
// Prints one JSON object: {compared, zen: {ns, per_s, n}, jre: {ns, per_s, n}}.
'use strict';
const fs = require('fs');
const path = require('path');
const { ZenEngine } = require('@gorules/zen-engine');
const { Engine } = require('json-rules-engine');

const [dir, answersPath] = process.argv.slice(2);
if (!dir || !answersPath) {
  console.error('usage: run_peers.js SIZE_DIR KAIFANG_ANSWERS');
  process.exit(2);
}
const TIME_BUDGET_NS = Number(process.env.PEER_TIME_BUDGET_MS || 3000) * 1e6;

const facts = fs.readFileSync(path.join(dir, 'facts.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
const answers = fs.readFileSync(answersPath, 'utf8').trim().split('\n').map(l => l.split('\t'));
if (facts.length !== answers.length) {
  console.error(`run_peers: ${facts.length} facts but ${answers.length} answers`);
  process.exit(2);
}
const sel = [];
for (let i = 0; i < facts.length; i++)
  if (answers[i][0] === 'ok' && answers[i][1] !== 'indeterminate' && facts[i]) sel.push(i);
// PEER_MAX_QUESTIONS bounds the compared set (the first N), for sizes where a peer
// takes most of a second per decision.
if (process.env.PEER_MAX_QUESTIONS) sel.splice(Number(process.env.PEER_MAX_QUESTIONS));

// Shares are integers in 10^-9 percent (exact in a double up to 100% = 1e11).
function shareText(u) {
  const whole = Math.floor(u / 1e9), frac = String(u % 1e9).padStart(9, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
function maxText(outcome, cap, lt) {
  if (outcome === 'prohibited' || outcome === 'closed') return '0';
  if (cap === undefined || cap === null || cap < 0) return '';
  return (lt ? '<' : '') + shareText(cap);
}

// json-rules-engine gives the matching measures as events; binding them is the
// caller's job (docs/rulebook.md "Deciding" steps 2-3, as in zen.json's expression node).
function bind(ms, share) {
  const ov = new Set();
  for (const m of ms) for (const o of m.ov) ov.add(o);
  const live = ms.filter(m => !ov.has(m.id));
  const prohibited = live.some(m => m.effect === 'prohibited');
  const closed = live.some(m => m.effect === 'closed');
  const caps = live.filter(m => m.effect === 'cap');
  const cap = caps.length ? Math.min(...caps.map(m => m.cap)) : -1;
  const lt = caps.some(m => m.cap === cap && m.lt);
  const outcome = prohibited ? 'prohibited' : closed ? 'closed'
    : (share !== null && cap >= 0 && (lt ? share >= cap : share > cap)) ? 'exceeds_cap' : 'permitted';
  return { outcome, cap, lt };
}

async function main() {
  const zenEngine = new ZenEngine();
  const zen = zenEngine.createDecision(JSON.parse(fs.readFileSync(path.join(dir, 'zen.json'), 'utf8')));
  const jre = new Engine([], { allowUndefinedFacts: true });
  jre.addOperator('intersects', (a, b) => Array.isArray(a) && a.some(x => b.includes(x)));
  jre.addOperator('disjoint', (a, b) => !Array.isArray(a) || !a.some(x => b.includes(x)));
  for (const r of JSON.parse(fs.readFileSync(path.join(dir, 'jre.json'), 'utf8'))) jre.addRule(r);

  const engines = {
    zen: async f => {
      const r = (await zen.evaluate(f)).result;
      return `${r.outcome}\t${maxText(r.outcome, r.cap, r.lt)}`;
    },
    jre: async f => {
      const { events } = await jre.run(f);
      const r = bind(events.map(e => e.params), f.share);
      return `${r.outcome}\t${maxText(r.outcome, r.cap, r.lt)}`;
    },
  };
  const out = { compared: sel.length, questions: facts.length };
  for (const [name, decide] of Object.entries(engines)) {
    // 1. the same answers as Kaifang on every compared question
    const bad = [];
    for (const i of sel) {
      const want = `${answers[i][1]}\t${answers[i][2] || ''}`;
      const got = await decide(facts[i]);
      if (got !== want) bad.push(`question ${i + 1}: kaifang ${JSON.stringify(want)}, ${name} ${JSON.stringify(got)}`);
    }
    if (bad.length) {
      console.error(`run_peers: ${name} disagrees with Kaifang on ${bad.length} of ${sel.length} questions in ${dir}:`);
      for (const b of bad.slice(0, 10)) console.error('  ' + b);
      process.exit(1);
    }
    // 2. time: passes over the compared questions, one decision after another
    let n = 0;
    const t0 = process.hrtime.bigint();
    let el = 0;
    do {
      for (const i of sel) { await decide(facts[i]); n++; }
      el = Number(process.hrtime.bigint() - t0);
    } while (el < TIME_BUDGET_NS && n < 200000);
    out[name] = { ns: el / n, per_s: 1e9 / (el / n), n };
  }
  zenEngine.dispose();
  console.log(JSON.stringify(out));
}
main().catch(e => { console.error(e); process.exit(1); });
