// SPDX-License-Identifier: Apache-2.0
// The machine's HTTP client on the page's side: fetch(), under the Network service, which
// reaches it through liborbital's host client (services/lib/arch/wasm64/hostfetch.c) and
// its stack thread's worker (process.js posts the request here and waits). By then the
// service has parsed the URL, applied its policy and rate limit and written the HTTP/1.1
// request head; this sends that request with fetch() and answers in HTTP/1.1 form (status
// line, the headers the page may read, Content-Length, body) for the service's own parser.
//
// Errors (NetworkError, spec §4.5): Timeout when timeout_ms passes (AbortController);
// when fetch() fails, a second no-cors request tells the two failures the browser does
// not name apart: the server answered (an opaque response) but does not let this origin
// read it — CorsError, its meaning on this target — or nothing answered —
// ConnectionFailed. Redirects are not followed: the policy saw one URL.
const ERR = { CONNECTION_FAILED: 2, TIMEOUT: 3, CORS: 5, OTHER: 6 };
const FAILED = (code) => -0x200 - code;
const enc = new TextEncoder(), dec = new TextDecoder();
// set by fetch() itself, or about the body fetch() has already decoded
const NOT_PASSED_IN = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
const NOT_PASSED_OUT = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

function parseHead(text) {
  const lines = text.split('\r\n');
  const [method] = lines[0].split(' ');
  const headers = [];
  for (const line of lines.slice(1)) {
    if (!line) break;
    const at = line.indexOf(':');
    const name = line.slice(0, at).trim();
    if (!NOT_PASSED_IN.has(name.toLowerCase())) headers.push([name, line.slice(at + 1).trim()]);
  }
  return { method, headers };
}

async function send(q) {
  const url = dec.decode(q.url), { method, headers } = parseHead(dec.decode(q.head));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), q.timeout);
  const init = { method, headers, mode: 'cors', credentials: 'omit', cache: 'no-store',
                 redirect: 'manual', signal: abort.signal };
  if (q.body.length && method !== 'GET' && method !== 'HEAD') init.body = q.body;
  try {
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      if (abort.signal.aborted) return { rc: FAILED(ERR.TIMEOUT), text: `no response within ${q.timeout} ms` };
      let answered = false;
      try {
        // (no-cors requires redirect 'follow'; the page never sees this answer)
        await fetch(url, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store',
                           signal: abort.signal });
        answered = true;
      } catch (e) { /* nothing answered */ }
      if (abort.signal.aborted) return { rc: FAILED(ERR.TIMEOUT), text: `no response within ${q.timeout} ms` };
      return answered
        ? { rc: FAILED(ERR.CORS), text: `the server does not allow this page's origin (${location.origin}) to read ${url}` }
        : { rc: FAILED(ERR.CONNECTION_FAILED), text: `fetch() failed: ${err.message}` };
    }
    if (res.type === 'opaqueredirect')
      return { rc: FAILED(ERR.OTHER), text: 'the server redirected; redirects are not followed' };
    const body = new Uint8Array(await res.arrayBuffer());
    let head = `HTTP/1.1 ${res.status} ${res.statusText || 'Status'}\r\n`;
    for (const [name, value] of res.headers)
      if (!NOT_PASSED_OUT.has(name)) head += `${name}: ${value}\r\n`;
    head += `Content-Length: ${body.length}\r\n\r\n`;
    const h = enc.encode(head);
    if (h.length + body.length > q.cap)
      return { rc: FAILED(ERR.OTHER), text: `the response (${body.length} bytes of body) is larger than the room the caller lent` };
    const out = new Uint8Array(h.length + body.length);
    out.set(h);
    out.set(body, h.length);
    return { rc: 0, bytes: out };
  } catch (err) {
    if (abort.signal.aborted) return { rc: FAILED(ERR.TIMEOUT), text: `no complete response within ${q.timeout} ms` };
    return { rc: FAILED(ERR.OTHER), text: `fetch(): ${err.message}` };
  } finally {
    clearTimeout(timer);
  }
}

// One request from a thread worker: answer into its block (Int32 state at 0, i64 rc at 8,
// byte count at 48, bytes from 56: the response, or the reason of an error) and wake it.
export function serveFetch(q, block) {
  const answer = (a) => {
    const i32 = new Int32Array(block, 0, 2), v = new DataView(block);
    const bytes = (a.bytes ?? enc.encode(a.text ?? '')).subarray(0, block.byteLength - 56);
    v.setBigInt64(8, BigInt(a.rc), true);
    v.setUint32(48, bytes.length, true);
    new Uint8Array(block, 56).set(bytes);
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
  };
  if (q.op === 0) answer({ rc: 0, text: 'fetch() from the page' });
  else send(q).then(answer, (err) => answer({ rc: FAILED(ERR.OTHER), text: String(err) }));
}
