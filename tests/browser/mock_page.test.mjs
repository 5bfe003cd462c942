// The mock's page (/_apigen/) in headless Chromium (Debian's package, driven by playwright-core
// from npm; no browser download). Starts `apigen mock` on the alikafka spec (stateful, report
// mode), makes a few requests — one of them invalid — opens the page, filters the recorded
// requests, checks the DOM, and takes a screenshot whose size and pixels are checked.
//
// Run by scripts/test-browser.sh (which installs Chromium and the npm package when missing).
// APIGEN_BIN: the apigen binary (default target/debug/apigen); CHROMIUM: the browser
// (default /usr/bin/chromium); SCREENSHOT: where to keep the screenshot.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { inflateSync } from "node:zlib";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const apigen = process.env.APIGEN_BIN || path.join(root, "target/debug/apigen");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shotPath = process.env.SCREENSHOT || path.join(root, "target/mock-page.png");
const VIEWPORT = { width: 1280, height: 1000 };

/** Starts `apigen mock`; resolves to the child and its base URL (first output line). */
function startMock() {
  const child = spawn(apigen, [
    "mock", path.join(root, "specs/alikafka.yaml"), "--listen", "127.0.0.1:0",
    "--stateful", "--validation", "report",
  ], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`apigen mock exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      const [name, url] = line.split(" ");
      assert.equal(name, "alikafka");
      resolve({ child, url });
    });
  });
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes): width, height and a
 * pixel reader. */
function decodePng(buf) {
  assert.equal(buf.toString("latin1", 1, 4), "PNG");
  let pos = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, "bit depth");
      channels = { 2: 3, 6: 4 }[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
      assert.equal(data[12], 0, "interlace");
    } else if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 255;
    }
  }
  const pixel = (x, y) => {
    const i = y * stride + x * channels;
    return [out[i], out[i + 1], out[i + 2]];
  };
  return { width, height, pixel };
}

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const near = (p, q, tol = 12) => p.every((v, i) => Math.abs(v - q[i]) <= tol);

/** The share of pixels of the box (device pixels) within tolerance of `colour`. */
function share(png, box, colour) {
  let hit = 0, all = 0;
  for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); y += 2) {
    for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.width); x += 2) {
      all++;
      if (near(png.pixel(x, y), colour)) hit++;
    }
  }
  return all ? hit / all : 0;
}

test("the mock page lists, filters and renders in headless Chromium", async (t) => {
  const { child, url } = await startMock();
  const profile = mkdtempSync(path.join(tmpdir(), "apigen-chromium-"));
  t.after(() => {
    child.removeAllListeners("exit");
    child.kill();
    rmSync(profile, { recursive: true, force: true });
  });

  const rpc = async (params) => {
    const q = new URLSearchParams({ Version: "2019-09-16", Format: "JSON", RegionId: "cn-hangzhou", ...params });
    const r = await fetch(`${url}/?${q}`);
    return { status: r.status, violations: r.headers.get("x-apigen-violations"), body: await r.json() };
  };
  const instance = "alikafka_pre-cn-mp919o4v";
  let r = await rpc({ Action: "CreateTopic", InstanceId: instance, Topic: "orders", Remark: "page test" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await rpc({ Action: "GetTopicList", InstanceId: instance, CurrentPage: "1", PageSize: "10" });
  assert.equal(r.status, 200);
  // Invalid: DiskSize (required) missing. Report mode answers 200 and says why.
  r = await rpc({ Action: "CreatePrePayOrder", DeployType: "4", DiskType: "0", IoMax: "20", TopicQuota: "50" });
  assert.equal(r.status, 200);
  assert.match(r.violations, /^1; DiskSize \(L\d+\)/);
  // Deleting a topic that does not exist: the stateful store's 404.
  r = await rpc({ Action: "DeleteTopic", InstanceId: instance, Topic: "missing" });
  assert.ok(r.status >= 400 && r.status < 500, `DeleteTopic of a missing topic: ${r.status}`);

  // A fresh profile directory (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const failed = [];
  page.on("requestfailed", (q) => failed.push(q.url()));
  page.on("pageerror", (e) => failed.push(String(e)));
  await page.goto(`${url}/_apigen/`);
  await page.waitForSelector("body[data-loaded=yes]");
  await page.waitForSelector("body[data-doc=yes]");

  // Header, hit counts, state.
  assert.equal(await page.textContent("#service"), "alikafka");
  assert.match(await page.textContent("#settings"), /validation: report · stateful/);
  const hits = await page.$$eval("#hit-table tbody tr", (rows) =>
    Object.fromEntries(rows.map((tr) => [tr.dataset.op, Number(tr.cells[2].textContent)])));
  assert.deepEqual(hits, { CreateTopic: 1, GetTopicList: 1, CreatePrePayOrder: 1, DeleteTopic: 1 });
  assert.match(await page.textContent("#state-body"), /"orders"/);
  // The OpenAPI document, rendered: one entry per operation.
  const ops = await page.$$eval("#doc-body details", (d) => d.map((x) => x.dataset.op));
  assert.ok(ops.includes("CreatePrePayOrder") && ops.length >= 30, `${ops.length} operations`);

  const rows = () => page.$$eval("#req-table tbody tr", (trs) => trs.map((tr) => ({
    op: tr.dataset.op, status: Number(tr.dataset.status), cls: tr.className, text: tr.cells[4].textContent,
  })));
  assert.equal((await rows()).length, 4);
  // Filter: validation failures only → the one invalid request, with its document line.
  await page.check("#f-violations");
  let shown = await rows();
  assert.equal(shown.length, 1);
  assert.equal(shown[0].op, "CreatePrePayOrder");
  assert.match(shown[0].text, /^L\d+ DiskSize: /);
  await page.uncheck("#f-violations");
  // Filter: 4xx → the failed delete.
  await page.selectOption("#f-status", "4xx");
  shown = await rows();
  assert.deepEqual(shown.map((x) => x.op), ["DeleteTopic"]);
  assert.equal(shown[0].cls, "failed");
  // Filter: by operation.
  await page.selectOption("#f-status", "");
  await page.selectOption("#f-op", "GetTopicList");
  shown = await rows();
  assert.deepEqual(shown.map((x) => [x.op, x.status]), [["GetTopicList", 200]]);
  await page.selectOption("#f-op", "");
  assert.equal(await page.textContent("#shown"), "4 of 4");

  // Screenshot of the viewport: expected size, not blank, key regions in their colours.
  const boxes = {
    header: await page.locator("header").boundingBox(),
    violationRow: await page.locator("#req-table tbody tr.violations").boundingBox(),
    failedRow: await page.locator("#req-table tbody tr.failed").boundingBox(),
    line: await page.locator("#req-table .line").first().boundingBox(),
  };
  const shot = await page.screenshot({ path: shotPath });
  const png = decodePng(shot);
  assert.deepEqual([png.width, png.height], [VIEWPORT.width, VIEWPORT.height]);
  const colours = new Set();
  for (let y = 0; y < png.height; y += 7) for (let x = 0; x < png.width; x += 7) colours.add(png.pixel(x, y).join());
  assert.ok(colours.size > 50, `only ${colours.size} colours: blank?`);
  for (const [name, b] of Object.entries(boxes)) {
    assert.ok(b && b.y + b.height <= VIEWPORT.height, `${name} is on screen: ${JSON.stringify(b)}`);
  }
  // Header bar #1f3a5f (text aside), the invalid request's row #fff3cd, the failed one's
  // #fde2e2, the document-line badge #1f3a5f.
  assert.ok(share(png, boxes.header, hex("#1f3a5f")) > 0.7, "header colour");
  assert.ok(share(png, boxes.violationRow, hex("#fff3cd")) > 0.5, "violation row colour");
  assert.ok(share(png, boxes.failedRow, hex("#fde2e2")) > 0.5, "failed row colour");
  assert.ok(share(png, boxes.line, hex("#1f3a5f")) > 0.4, "line badge colour");
  // The page fetched nothing it could not get (no network beyond the mock).
  assert.deepEqual(failed, []);
  writeFileSync(shotPath + ".json", JSON.stringify(boxes, null, 2));
});
