// Console: xterm.js over the console WebSocket (single-use token from a CSRF-checked POST). Resizes are sent as
// text frames, keys as binary frames; close code 1012 (the agent restarted) reconnects. A game server's console
// starts read-only: typing there reaches the running server, so the user turns input on deliberately.
import { api } from './api.js';

const box = document.getElementById('terminal');
const id = box.dataset.id;
const params = new URLSearchParams(location.search);
const kind = params.get('kind') === 'server' ? 'server' : 'shell';
const state = document.getElementById('console-state');
document.getElementById('console-name').textContent = params.get('name') ? `— ${params.get('name')}` : '';
const toggle = document.getElementById('enable-input');
let inputOn = kind === 'shell';
if (kind === 'server') {
  document.getElementById('input-toggle').hidden = false;
  toggle.addEventListener('change', () => {
    inputOn = toggle.checked;
    term.options.disableStdin = !inputOn;
    if (socket?.readyState === WebSocket.OPEN) state.textContent = inputOn ? 'Connected' : 'Connected (read-only)';
  });
}

const term = new window.Terminal({ convertEol: false, cursorBlink: true, disableStdin: !inputOn, fontSize: 14 });
const fit = new window.FitAddon.FitAddon();
term.loadAddon(fit);
term.open(box);
fit.fit();
let socket = null;
let attempts = 0; // reconnection attempts since the last open console
const encoder = new TextEncoder();

// After a 1012 (the agent restarted) the agent may take a while to come back: retry, a little slower each time.
function reconnect(why) {
  if (attempts >= 30) {
    state.textContent = `${why} Reload the page to try again.`;
    return;
  }
  attempts++;
  state.textContent = 'The agent restarted; reconnecting…';
  setTimeout(connect, Math.min(1000 * attempts, 5000));
}

async function connect() {
  if (attempts === 0) state.textContent = 'Connecting…';
  let token;
  try {
    ({ token } = await api('POST', `/api/servers/${id}/console-token`));
  } catch (e) {
    if (attempts > 0) reconnect(e.message); else state.textContent = e.message;
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/api/servers/${id}/console?kind=${kind}&rows=${term.rows}&cols=${term.cols}&token=${encodeURIComponent(token)}`;
  let opened = false;
  socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    opened = true;
    attempts = 0;
    state.textContent = kind === 'server' && !inputOn ? 'Connected (read-only)' : 'Connected';
    term.focus();
  };
  socket.onmessage = e => term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
  socket.onclose = e => {
    if (e.code === 1012 || (attempts > 0 && !opened)) reconnect(e.reason || 'The console is not reachable.');
    else state.textContent = `Disconnected${e.reason ? `: ${e.reason}` : ''}. Reload the page to connect again.`;
  };
}

term.onData(data => {
  if (inputOn && socket?.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
});
term.onResize(({ rows, cols }) => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'resize', rows, cols }));
});
window.addEventListener('resize', () => fit.fit());
connect();
