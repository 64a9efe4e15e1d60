// The status stream (GET /api/servers/status/stream, SSE) as callbacks. EventSource reconnects by itself with
// Last-Event-ID; when it gives up (the server answered an error) or the network went away, a new one resumes with
// ?lastEventId= from the last change seen, so a dropped connection never loses a change and never needs a reload.
export function followStatus({ onSnapshot, onChange, onState }) {
  let lastId = null;
  let source = null;
  let retry = 1000;
  let timer = null;

  function open() {
    clearTimeout(timer);
    source?.close();
    const url = '/api/servers/status/stream' + (lastId ? '?lastEventId=' + encodeURIComponent(lastId) : '');
    source = new EventSource(url);
    source.addEventListener('open', () => { retry = 1000; onState?.('live'); });
    source.addEventListener('snapshot', e => { lastId = e.lastEventId || lastId; onSnapshot?.(JSON.parse(e.data)); });
    source.addEventListener('status', e => { lastId = e.lastEventId || lastId; onChange?.(JSON.parse(e.data)); });
    source.addEventListener('error', () => {
      onState?.('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        timer = setTimeout(open, retry);
        retry = Math.min(retry * 2, 15000);
      }
    });
  }

  // A connection that outlived a network change can hang unnoticed for minutes: drop it when the browser goes
  // offline and resume from the cursor as soon as it is back.
  window.addEventListener('offline', () => {
    clearTimeout(timer);
    source?.close();
    onState?.('reconnecting');
  });
  window.addEventListener('online', () => { retry = 1000; open(); });

  open();
  return { close: () => { clearTimeout(timer); source?.close(); } };
}
