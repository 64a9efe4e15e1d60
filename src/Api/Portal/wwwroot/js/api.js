// The portal's one way to call the API: same-origin fetch with the session cookie, the page's CSRF token on
// every state change, and an error that carries the problem+json's sentence (never a raw status or a stack).
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

export class ApiError extends Error {
  constructor(message, status, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(method, path, body, headers = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET' && method !== 'HEAD') init.headers['X-CSRF-TOKEN'] = csrf;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError('The server cannot be reached; check your connection and try again.', 0, null);
  }
  if (response.status === 401) {
    // The session ended (signed out elsewhere, password changed): back to the sign-in page.
    location.assign('/signin?returnUrl=' + encodeURIComponent(location.pathname + location.search));
    throw new ApiError('Your session has ended; sign in again.', 401, null);
  }
  const text = await response.text();
  const json = text ? safeParse(text) : null;
  if (!response.ok) throw new ApiError(sentence(json), response.status, json);
  return json;
}

function safeParse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** The problem's own sentence: its detail, else its title, else a plain fallback. */
export function sentence(problem) {
  if (problem && typeof problem.detail === 'string' && problem.detail) return problem.detail;
  if (problem && typeof problem.title === 'string' && problem.title) return problem.title;
  return 'Something went wrong; try again.';
}

/** Shows an error in the page's alert region (screen readers announce it). */
export function showProblem(message) {
  const box = document.getElementById('problem');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(showProblem.timer);
  showProblem.timer = setTimeout(() => { box.hidden = true; }, 15000);
}

/** Asks before a destructive action; resolves true only on "Yes". Keyboard: Tab between buttons, Escape cancels. */
export function confirmAction(text, yes = 'Yes') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = yes;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}
