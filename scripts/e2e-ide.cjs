// The browser half of scripts/e2e-ide.sh: opens the IDE through the API in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core) and checks what a person would see.
// Input (environment): ZLH_IDE_URL (the ide-token URL, absolute), ZLH_SEED_FILE (a file the script
// put in the workspace), ZLH_MARKER (what the terminal command writes), ZLH_WORKSPACE (the workspace
// on disk), ZLH_SCREENSHOT (where the screenshot goes). Prints [ ok ]/[fail] lines; exit 1 on any fail.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const url = env('ZLH_IDE_URL');
const seedFile = env('ZLH_SEED_FILE');
const marker = env('ZLH_MARKER');
const workspace = env('ZLH_WORKSPACE');
const screenshot = env('ZLH_SCREENSHOT');

let failures = 0;
const ok = (what) => console.log(`[ ok ] ${what}`);
const fail = (what) => { console.log(`[fail] ${what}`); failures++; };
const info = (what) => console.log(`       ${what}`);

// The failures hosting platforms meet with code-server behind a proxy: a refused WebSocket (origin or
// path), then VS Code's own reports of it.
const knownErrors = [/No file system provider found/i, /Cannot reconnect/i, /Attempting to reconnect/i,
  /connection.*(lost|closed)/i, /1006/, /Could not connect/i, /workbench failed/i];

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // *.localhost to IPv4, where the API listens (the IDE's own origin with --host-mode).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', '--disable-background-networking',
      '--host-resolver-rules=MAP *.localhost 127.0.0.1'],
  });
  let page;
  let shot = false;
  try {
    // --https runs use a throwaway self-signed certificate.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
    page = await context.newPage();
    const sockets = [];
    const badResponses = [];
    page.on('websocket', (ws) => {
      const entry = { url: ws.url().replace(/token=[^&]+/, 'token=…'), closed: false };
      sockets.push(entry);
      ws.on('close', () => { entry.closed = true; });
      ws.on('socketerror', (e) => { entry.error = String(e); });
    });
    page.on('response', (r) => { if (r.status() >= 400) badResponses.push(`${r.status()} ${r.url().replace(/token=[^&]+/, 'token=…')}`); });
    page.on('pageerror', (e) => info(`page error: ${e.message.split('\n')[0]}`));

    // 1. The workbench: the ?token= navigation becomes a cookie and a redirect, then code-server's page.
    const started = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    if (page.url().includes('token=')) fail(`the token stayed in the address bar: ${page.url()}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    // The explorer appears once the remote file system answers over the WebSocket.
    await page.waitForSelector('.explorer-folders-view', { timeout: 120_000 }).catch(() => {});
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    fs.writeFileSync(path.join(path.dirname(screenshot), 'workbench-seconds'), seconds);
    ok(`workbench loaded (.monaco-workbench) in ${seconds} s at ${new URL(page.url()).pathname}`);

    // 2. The explorer lists the file written into the workspace on disk.
    const seeded = page.locator(`.explorer-folders-view .monaco-list-row[aria-label*="${seedFile}"], .explorer-folders-view .monaco-list-row:has-text("${seedFile}")`).first();
    try {
      await seeded.waitFor({ timeout: 60_000 });
      ok(`the explorer lists ${seedFile}`);
    } catch {
      fail(`the explorer does not list ${seedFile} (rows: ${await rowsOf(page)})`);
    }

    // 2b. Opening it reads its content through the same remote file system.
    try {
      await seeded.dblclick();
      await page.locator('.monaco-editor .view-lines', { hasText: 'written by scripts/e2e-ide.sh' }).first().waitFor({ timeout: 30_000 });
      ok(`the editor opens ${seedFile} and shows its content`);
    } catch {
      fail(`the editor did not show the content of ${seedFile}`);
    }

    // 3. The integrated terminal runs a command; its output file is checked on disk by the shell script
    // and, here, by waiting for it to appear.
    await runInTerminal(page, `echo ${marker} > marker.txt`);
    const markerPath = path.join(workspace, 'marker.txt');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(fs.existsSync(markerPath) && fs.readFileSync(markerPath, 'utf8').trim() === marker)) await page.waitForTimeout(500);
    if (fs.existsSync(markerPath)) ok(`the integrated terminal ran "echo ${marker} > marker.txt": ${markerPath} holds it`);
    else fail(`the integrated terminal did not run the command: no ${markerPath} with ${marker} after 30 s`);

    // 4. No error anywhere: notifications, dialogs (the reconnect dialog is one), closed WebSockets.
    await page.waitForTimeout(2_000);
    const problems = await visibleProblems(page);
    if (problems.length === 0) ok('no error notification or dialog');
    else problems.forEach((p) => fail(`error shown: ${p}`));

    const dropped = sockets.filter((s) => s.closed || s.error);
    const open = sockets.filter((s) => !s.closed && !s.error);
    if (sockets.length > 0 && dropped.length === 0) ok(`WebSockets through the API stay open (${open.length}: ${[...new Set(open.map((s) => new URL(s.url).pathname))].join(', ')})`);
    else if (sockets.length === 0) fail('no WebSocket was opened: the workbench cannot reach its server');
    else dropped.forEach((s) => fail(`WebSocket ${s.url} ${s.error ? `failed: ${s.error}` : 'closed'}`));
    // vsda (Microsoft's closed-source signing module) is absent from every code-server build: its 404s are expected.
    badResponses.filter((r) => !/\/favicon|\.map$|\/manifest\.json|\/vsda\//.test(r)).slice(0, 10).forEach((r) => info(`HTTP ${r}`));

    await page.screenshot({ path: screenshot });
    shot = true;
    ok(`screenshot: ${screenshot}`);

    // 5. A reload comes back on the session cookie alone (the token was single-use), with new WebSockets.
    const before = sockets.length;
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
    try {
      await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
      await page.locator(`.explorer-folders-view .monaco-list-row:has-text("marker.txt")`).first().waitFor({ timeout: 60_000 });
      const fresh = sockets.slice(before);
      if (fresh.length > 0 && fresh.every((s) => !s.closed && !s.error)) ok(`a reload opens the IDE again from the session cookie (${fresh.length} new WebSockets)`);
      else fail(`after a reload the WebSockets did not stay open (${fresh.length} opened)`);
    } catch (e) {
      fail(`a reload did not bring the IDE back: ${e.message.split('\n')[0]}`);
    }
  } finally {
    // Also when a check threw: the picture is what tells why.
    if (page && !shot) await page.screenshot({ path: screenshot }).then(() => info(`screenshot: ${screenshot}`), () => {});
    await browser.close();
  }
}

// VS Code asks whether to trust the folder's authors (a modal, not an error) when Restricted Mode meets
// something that runs code, such as creating a terminal: "Trust Folder & Continue" (or, on first open,
// "Yes, I trust the authors"). Clicked whenever it shows while waiting for something else.
function trustButton(page) {
  return page.getByRole('button', { name: /Trust Folder|I trust the authors/i }).first();
}

async function runInTerminal(page, command) {
  // Ctrl+` toggles the panel's terminal; the command palette is the fallback if the key binding differs.
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+Backquote');
  const screen = page.locator('.terminal-wrapper .xterm-screen').first();
  // The terminal's element shows before the trust dialog does (the dialog waits for the terminal's
  // process to be requested), so "ready" is: the terminal visible and no dialog for a few seconds. Its
  // text is drawn on a canvas, not in the DOM, so a prompt cannot be waited for; the command's effect
  // is checked on disk instead.
  let usedPalette = false;
  let quietSince = null;
  const started = Date.now();
  for (;;) {
    if (await answerTrustDialog(page)) quietSince = null;
    else if (await screen.isVisible().catch(() => false)) quietSince ??= Date.now();
    else if (!usedPalette && Date.now() - started > 15_000) {
      usedPalette = true;
      await page.keyboard.press('F1');
      await page.keyboard.type('Terminal: Create New Terminal');
      await page.keyboard.press('Enter');
    }
    if (quietSince !== null && Date.now() - quietSince > 6_000) break;
    if (Date.now() - started > 90_000) throw new Error('no integrated terminal within 90 s');
    await page.waitForTimeout(500);
  }
  ok(`the integrated terminal opened (${(await terminalTitle(page)) || 'untitled'})`);
  await screen.click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

// Clicks the trust dialog's button when it shows; true when it did.
async function answerTrustDialog(page) {
  if (!(await trustButton(page).isVisible().catch(() => false))) return false;
  await trustButton(page).click();
  info('answered the workspace trust dialog: Trust Folder & Continue');
  return true;
}

async function terminalTitle(page) {
  const names = await page.locator('.terminal-tabs-entry, .single-terminal-tab').allInnerTexts().catch(() => []);
  return names.map((n) => n.trim()).filter(Boolean).join(', ');
}

async function rowsOf(page) {
  return (await page.locator('.explorer-folders-view .monaco-list-row').allInnerTexts().catch(() => [])).join(', ') || 'none';
}

// Error-severity notifications (toasts and the notification center) and dialogs, plus any visible text
// matching what a broken proxy produces.
async function visibleProblems(page) {
  return page.evaluate((patterns) => {
    const found = [];
    const text = (el) => (el.innerText || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
    for (const item of document.querySelectorAll('.notification-list-item')) {
      const isError = item.querySelector('.codicon-error, .codicon-notifications-error, .severity-error') !== null
        || /^error/i.test(item.getAttribute('aria-label') || '');
      if (isError || patterns.some((p) => new RegExp(p, 'i').test(text(item)))) found.push(`notification: ${text(item)}`);
    }
    for (const dialog of document.querySelectorAll('.monaco-dialog-box')) found.push(`dialog: ${text(dialog)}`);
    return found;
  }, knownErrors.map((r) => r.source));
}

main().then(() => process.exit(failures === 0 ? 0 : 1), (e) => {
  console.log(`[fail] browser check aborted: ${e.message.split('\n')[0]}`);
  process.exit(1);
});
