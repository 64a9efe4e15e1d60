// Servers page: cards grouped by kind, live through the status stream, actions the state allows.
import { api, showProblem, confirmAction, el } from './api.js';
import { followStatus } from './status-feed.js';

const PAGE_SIZE = 12;
const containers = new Map(); // id → the container (GET /api/servers) merged with its live status
const pages = { dev: 0, game: 0 };
const open = new Set();       // cards the user expanded, kept across re-renders
const search = document.getElementById('search');
const live = document.getElementById('live');

const kindName = k => (typeof k === 'number' ? ['dev', 'game'][k] : String(k ?? '').toLowerCase());
const lower = v => (typeof v === 'string' ? v.toLowerCase() : v);

const stateWords = {
  provisioning: 'being set up', ready: 'ready, never started', idle: 'idle (stopped, container up)', starting: 'starting',
  running: 'running', stopping: 'stopping', crashed: 'crashed', restarting: 'restarting after a crash', error: 'error',
  offline: 'offline (not answering)', deleted: 'deleted',
};

// "name version" of the catalog's stand-ins, labelled, never shown as the real runtime: read once per page (null until
// read, so a failed read is tried again on the next load, and an empty list is not read again on every load).
let standIns = null;
const runtimeText = (name, version) => {
  const text = [name, version].filter(Boolean).join(' ');
  return !text ? '—' : standIns?.includes(text) ? `${text} (stand-in)` : text;
};

async function load() {
  standIns ??= await api('GET', '/api/catalog').then(c => c.standIns ?? [], () => null);
  const list = await api('GET', '/api/servers');
  for (const c of list) containers.set(c.id, { ...containers.get(c.id), ...c, kind: kindName(c.kind) });
  render();
}

function applyStatus(s) {
  const current = containers.get(s.containerId);
  if (!current && lower(s.state) !== 'deleted') { load().catch(e => showProblem(e.message)); }
  if (lower(s.state) === 'deleted') { containers.delete(s.containerId); render(); return; }
  containers.set(s.containerId, { ...current, id: s.containerId, kind: kindName(current?.kind ?? s.kind), status: s });
  render();
}

function matches(c, q) {
  if (!q) return true;
  const hay = [c.name, c.id, c.runtime, c.runtimeVersion, c.status?.state].join(' ').toLowerCase();
  return q.toLowerCase().split(/\s+/).every(w => hay.includes(w));
}

// A change re-renders the cards; the focused control (by card and label) gets focus back, so keyboard users keep
// their place while the page updates.
function render() {
  const focused = document.activeElement?.closest?.('article.card');
  const focus = focused && { id: focused.dataset.id, label: document.activeElement.textContent };
  draw();
  if (focus) {
    const card = document.querySelector(`article.card[data-id="${focus.id}"]`);
    const again = card && [...card.querySelectorAll('button, a, summary')].find(n => n.textContent === focus.label);
    (again ?? card?.querySelector('button, a'))?.focus();
  }
}

function draw() {
  const q = search.value.trim();
  for (const kind of ['dev', 'game']) {
    const all = [...containers.values()].filter(c => c.kind === kind && matches(c, q))
      .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    const count = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    pages[kind] = Math.min(pages[kind], count - 1);
    const shown = all.slice(pages[kind] * PAGE_SIZE, (pages[kind] + 1) * PAGE_SIZE);
    const box = document.getElementById(kind);
    box.replaceChildren(...(shown.length ? shown.map(card) : [el('p', { class: 'empty' }, q ? 'Nothing matches.' : 'None yet.')]));
    pager(kind, count);
  }
}

function pager(kind, count) {
  const nav = document.getElementById(kind + '-pager');
  if (count <= 1) { nav.replaceChildren(); return; }
  const go = d => () => { pages[kind] += d; render(); };
  nav.replaceChildren(
    el('button', { type: 'button', disabled: pages[kind] === 0, onclick: go(-1) }, 'Previous'),
    el('span', {}, `Page ${pages[kind] + 1} of ${count}`),
    el('button', { type: 'button', disabled: pages[kind] >= count - 1, onclick: go(1) }, 'Next'));
}

function card(c) {
  const s = c.status ?? {};
  const state = lower(s.state) ?? lower(c.lifecycle) ?? 'unknown';
  const name = c.name ?? c.id;
  const details = el('details', { open: open.has(c.id), ontoggle: e => e.target.open ? open.add(c.id) : open.delete(c.id) },
    el('summary', {}, 'Details'),
    el('dl', {},
      el('dt', {}, 'Agent'), el('dd', {}, s.agentOnline ? 'answering' : 'not answering'),
      el('dt', {}, 'Runtime'), el('dd', {}, runtimeText(s.runtime ?? c.runtime, s.runtimeVersion ?? c.runtimeVersion)),
      el('dt', {}, 'Memory and CPU'), el('dd', {}, resources(c)),
      c.kind === 'game' ? [el('dt', {}, 'Last crash'), el('dd', {}, crash(s.lastCrash))] : null,
      c.kind === 'game' ? [el('dt', {}, 'Automatic restarts'), el('dd', {}, String(s.restartCount ?? c.restartCount ?? 0))] : null,
      (s.error || s.serverError || c.error) ? [el('dt', {}, 'Error'), el('dd', {}, s.error ?? s.serverError ?? c.error)] : null,
      el('dt', {}, 'Id'), el('dd', { class: 'mono' }, c.id)));
  return el('article', { class: 'card', 'data-id': c.id, 'data-state': state, 'aria-labelledby': 'n-' + c.id },
    el('header', {},
      el('h3', { id: 'n-' + c.id }, name),
      el('span', { class: 'state state-' + state, 'data-testid': 'state' }, state)),
    el('p', { class: 'words' }, c.kind === 'dev' && state === 'running' ? 'up: the agent answers' : stateWords[state] ?? state),
    el('div', { class: 'actions' }, actions(c, state)),
    details);
}

function resources(c) {
  const r = c.spec?.resources;
  if (!r) return '—';
  return `${r.memoryMb ?? '?'} MB memory, ${r.cores ?? '?'} CPU core${r.cores === 1 ? '' : 's'}`;
}

function crash(k) {
  if (!k) return 'none';
  const how = k.exitCode !== null && k.exitCode !== undefined ? `exit code ${k.exitCode}` : k.signal ? `signal ${k.signal}` : '';
  return `${new Date(k.at).toLocaleString()}: ${lower(k.classification) ?? 'unknown'}${how ? ` (${how})` : ''}`;
}

function button(label, run, { danger, confirm } = {}) {
  return el('button', {
    type: 'button', class: danger ? 'danger' : null,
    onclick: async e => {
      if (confirm && !(await confirmAction(confirm, label))) return;
      const b = e.target;
      b.disabled = true;
      try { await run(); } catch (err) { showProblem(err.message); } finally { b.disabled = false; }
    },
  }, label);
}

const post = path => () => api('POST', path, undefined, { 'Idempotency-Key': crypto.randomUUID() });

function actions(c, state) {
  const id = c.id, s = c.status ?? {}, name = c.name ?? id;
  const base = `/api/servers/${id}`;
  const list = [];
  const lifecycle = lower(c.lifecycle);
  if (state === 'provisioning') return [el('span', {}, 'Being set up…')];
  if (state === 'offline' && lifecycle === 'stopped') list.push(button('Start container', post(`${base}/start`)));
  if (c.kind === 'game' && s.agentOnline) {
    if (['ready', 'idle', 'crashed', 'error'].includes(state)) list.push(button('Start server', post(`${base}/server/start`)));
    if (['running', 'starting', 'restarting'].includes(state)) {
      list.push(button('Restart server', post(`${base}/server/restart`), { confirm: `Restart ${name}? Players are disconnected.` }));
      list.push(button('Stop server', post(`${base}/server/stop`), { confirm: `Stop ${name}? Players are disconnected.` }));
      list.push(button('Kill server', post(`${base}/server/kill`), { danger: true, confirm: `Kill ${name} now, without saving?` }));
    }
  }
  if (c.kind === 'dev' && state === 'running') {
    const cs = s.codeServerRunning ?? c.codeServerRunning;
    if (cs) {
      list.push(button('Open IDE', () => openIde(id)));
      list.push(button('Stop code-server', post(`${base}/code-server/stop`), { confirm: `Stop the IDE of ${name}? Open IDE tabs disconnect.` }));
    } else list.push(button('Start code-server', post(`${base}/code-server/start`)));
  }
  if (s.agentOnline && state !== 'error')
    list.push(el('a', { class: 'button', href: `/console/${id}?kind=${c.kind === 'game' ? 'server' : 'shell'}&name=${encodeURIComponent(name)}` }, 'Console'));
  if (['running', 'idle', 'ready', 'crashed'].includes(state) && lifecycle !== 'stopped')
    list.push(button('Stop container', post(`${base}/stop`), { confirm: `Stop the container ${name}? Everything in it stops.` }));
  if (state === 'error') list.push(button('Reprovision', post(`${base}/reprovision`), { confirm: `Set ${name} up again from its spec?` }));
  list.push(button('Delete', () => api('DELETE', base, undefined, { 'Idempotency-Key': crypto.randomUUID() }),
    { danger: true, confirm: `Delete ${name} and everything in it? This cannot be undone.` }));
  return list;
}

// The IDE opens on its own origin ({id}.ide.…) with a single-use token. The tab is opened first, within the click,
// so that pop-up blockers allow it; it is pointed at the IDE once the token is there.
async function openIde(id) {
  const tab = window.open('', '_blank');
  try {
    const { url } = await api('POST', `/api/dev/${id}/ide-token`);
    if (tab) { tab.opener = null; tab.location = url; } else location.assign(url);
  } catch (e) {
    tab?.close();
    throw e;
  }
}

search.addEventListener('input', () => { pages.dev = pages.game = 0; render(); });
load().catch(e => showProblem(e.message));
followStatus({
  onSnapshot: list => { for (const s of list) applyStatus(s); },
  onChange: applyStatus,
  onState: st => { live.textContent = st === 'live' ? 'Live' : 'Reconnecting…'; },
});
