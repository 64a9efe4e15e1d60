// Create: a form built from the catalog, then the deployment followed stage by stage.
import { api, showProblem, el } from './api.js';

const form = document.getElementById('create');
const runtime = document.getElementById('runtime');
const version = document.getElementById('version');
const addons = document.getElementById('addons');
let catalog = { runtimes: {}, addons: {} };

const kind = () => form.querySelector('input[name=kind]:checked').value;

// A stand-in (Artifacts:StandIns) is never shown as the real thing.
const label = (name, v) => (catalog.standIns?.includes(`${name} ${v}`) ? `${v} (stand-in)` : v);

function options(select, values, name) {
  select.replaceChildren(...values.map(v => el('option', { value: v }, name ? label(name, v) : v)));
}

async function load() {
  catalog = await api('GET', '/api/catalog');
  options(runtime, Object.keys(catalog.runtimes));
  options(version, catalog.runtimes[runtime.value] ?? [], runtime.value);
  const boxes = Object.entries(catalog.addons).map(([name, versions]) => {
    const id = 'addon-' + name;
    return el('label', { for: id }, el('input', { type: 'checkbox', id, name: 'addon', value: `${name}@${versions[versions.length - 1]}` }),
      ` ${name} ${label(name, versions[versions.length - 1])}`);
  });
  addons.append(...boxes);
  syncKind();
}

function syncKind() {
  const game = kind() === 'game';
  document.getElementById('server').hidden = !game;
  // code-server is what a dev container's IDE is: ticked by default there.
  const cs = form.querySelector('input[value^="code-server@"]');
  if (cs && !cs.dataset.touched) cs.checked = !game;
}

runtime.addEventListener('change', () => options(version, catalog.runtimes[runtime.value] ?? [], runtime.value));
form.addEventListener('change', e => {
  if (e.target.name === 'kind') syncKind();
  if (e.target.name === 'addon') e.target.dataset.touched = '1';
});

function clearErrors() {
  for (const span of form.querySelectorAll('.field-error')) span.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function showFieldErrors(problem) {
  const errors = problem?.errors ?? (problem?.field ? { [problem.field]: [problem.detail] } : {});
  let first = null;
  for (const [field, messages] of Object.entries(errors)) {
    const key = field.replace(/^\$\./, '').split(/[.[]/).pop() === 'args' ? 'command' : field.replace(/^\$\./, '').split('.').pop();
    const span = document.getElementById(key + '-error') ?? document.getElementById(field.replace(/^\$\./, '').split('.')[0] + '-error');
    if (span) {
      span.textContent = messages.join(' ');
      const input = document.getElementById(span.id.replace('-error', ''));
      input?.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
}

form.addEventListener('submit', async e => {
  e.preventDefault();
  clearErrors();
  const body = {
    kind: kind(),
    name: form.name.value.trim(),
    runtime: runtime.value || null,
    version: version.value || null,
    addons: [...form.querySelectorAll('input[name=addon]:checked')].map(i => i.value),
  };
  if (body.kind === 'game') {
    body.server = {
      command: document.getElementById('command').value.trim(),
      args: document.getElementById('args').value.split('\n').map(a => a.trim()).filter(Boolean),
    };
    const ready = document.getElementById('readyLine').value;
    if (ready) body.server.readyLine = ready;
  }
  const submit = form.querySelector('button[type=submit]');
  submit.disabled = true;
  try {
    const accepted = await api('POST', '/api/servers', body, { 'Idempotency-Key': crypto.randomUUID() });
    await follow(accepted.deploymentId, accepted.containerId);
  } catch (err) {
    showProblem(err.message);
    showFieldErrors(err.problem);
  } finally {
    submit.disabled = false;
  }
});

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function follow(deploymentId, containerId) {
  const section = document.getElementById('deployment');
  const status = document.getElementById('deployment-status');
  section.hidden = false;
  status.textContent = 'Queued…';
  for (;;) {
    let d = null;
    try { d = await api('GET', `/api/deployments/${deploymentId}`); } catch (err) { if (err.status !== 404) throw err; }
    if (d) {
      renderStages(d.stages ?? []);
      const done = ['succeeded', 'failed', 'cancelled'].includes(d.status);
      status.textContent = d.status === 'succeeded' ? 'Ready.' : d.status === 'failed'
        ? `Failed at ${d.failedStage ?? 'a stage'}: ${d.error ?? 'see the stage below'}` : `Deployment ${d.status}…`;
      status.dataset.status = d.status;
      if (done) {
        if (d.status === 'succeeded') status.append(' ', el('a', { href: '/servers' }, 'See it on the servers page'));
        return;
      }
    }
    await sleep(1000);
  }
}

function renderStages(stages) {
  document.getElementById('stages').replaceChildren(...stages.map(s => el('li', { 'data-status': s.status },
    el('strong', {}, String(s.name).toLowerCase()), ` — ${s.status}`,
    s.durationSeconds ? ` (${s.durationSeconds.toFixed(1)} s)` : '',
    s.error ? el('p', { class: 'problem-inline' }, s.error) : null,
    s.logTail?.length ? el('pre', { class: 'log', tabindex: '0', 'aria-label': `Log of ${s.name}` }, s.logTail.join('\n')) : null)));
}

load().catch(e => showProblem(e.message));
