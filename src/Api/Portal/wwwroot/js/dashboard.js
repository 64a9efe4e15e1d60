// Dashboard: health in plain words, containers by state, notices. Live through the status stream.
import { api, el } from './api.js';
import { followStatus } from './status-feed.js';

const admin = document.getElementById('dashboard-script')?.dataset.admin === 'true';
const statuses = new Map();
const names = new Map(); // container id → name, for notices a person can read
const health = document.getElementById('health');
let controlPlane = null;  // null: unknown; true: reachable; false: not
let projections = [];     // admin only: lagging or faulted read models

const lower = v => (typeof v === 'string' ? v.toLowerCase() : v);

async function checkHealth() {
  try {
    const r = await fetch('/health', { headers: { Accept: 'application/json' } });
    controlPlane = r.ok;
  } catch { controlPlane = false; }
  if (admin) {
    try { projections = await api('GET', '/api/admin/projections'); } catch { projections = []; }
  }
  render();
}

// /api/admin/projections (admins): faulted or stopped read models, or ones more than 10 s behind the log.
function troubledProjections() {
  const list = Array.isArray(projections) ? projections : [];
  return list.filter(p => p.state === 'faulted' || p.state === 'stopped' || (p.secondsBehind ?? 0) > 10);
}

function render() {
  const all = [...statuses.values()].filter(s => lower(s.state) !== 'deleted');
  const offline = all.filter(s => !s.agentOnline && lower(s.state) !== 'provisioning' && lower(s.lifecycle) !== 'stopped');
  const troubled = troubledProjections();
  let level = 'ok', words = 'Everything is working.';
  if (controlPlane === null) { level = 'unknown'; words = 'Checking…'; }
  else if (!controlPlane) { level = 'down'; words = 'ZeroLagHub is having trouble: changes cannot be saved right now. Your servers keep running.'; }
  else if (troubled.length) { level = 'warn'; words = 'Status updates are running late; what you see may be a little behind.'; }
  else if (offline.length) { level = 'warn'; words = `Working, but ${offline.length} of your containers ${offline.length === 1 ? 'is' : 'are'} not answering.`; }
  health.dataset.level = level;
  health.textContent = words;

  const counts = new Map();
  for (const s of all) counts.set(lower(s.state), (counts.get(lower(s.state)) ?? 0) + 1);
  const box = document.getElementById('counts');
  box.replaceChildren(...(counts.size
    ? [...counts].sort().map(([state, n]) => el('li', { 'data-state': state }, el('strong', {}, String(n)), ' ', state))
    : [el('li', {}, 'No containers yet. '), el('li', {}, el('a', { href: '/create' }, 'Create one'))]));

  const notices = [];
  const label = s => names.get(s.containerId) ?? s.containerId.slice(0, 8);
  for (const s of all) {
    if (lower(s.state) === 'crashed' || lower(s.state) === 'restarting')
      notices.push(`The game server ${label(s)} crashed${s.lastCrash ? ` (${lower(s.lastCrash.classification)})` : ''}; it is restarted automatically.`);
    if (lower(s.state) === 'error') notices.push(`${label(s)} failed: ${s.error ?? s.serverError ?? 'see its card'}.`);
  }
  for (const s of offline) notices.push(`${label(s)} is not answering.`);
  for (const p of troubled) notices.push(p.state === 'faulted' || p.state === 'stopped'
    ? `Read model ${p.name} is ${p.state}: statuses it feeds are not updating (zlh admin projections).`
    : `Read model ${p.name} is ${Math.round(p.secondsBehind)} s behind.`);
  const list = document.getElementById('notices');
  list.replaceChildren(...(notices.length
    ? [el('details', { open: true }, el('summary', {}, `${notices.length} notice${notices.length === 1 ? '' : 's'}`),
        el('ul', {}, notices.map(n => el('li', {}, n))))]
    : [el('p', {}, 'None.')]));
}

async function loadNames() {
  try {
    for (const c of await api('GET', '/api/servers')) names.set(c.id, c.name ?? c.id.slice(0, 8));
  } catch { /* notices fall back to short ids */ }
  render();
}

checkHealth();
loadNames();
setInterval(checkHealth, 30000);
followStatus({
  onSnapshot: list => { for (const s of list) statuses.set(s.containerId, s); render(); },
  onChange: s => {
    if (!names.has(s.containerId)) loadNames();
    statuses.set(s.containerId, s);
    render();
  },
});
