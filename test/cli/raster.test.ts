/** The raster SVG (src/cli/raster.ts): well-formed, self-contained, one mark per spike. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binWidthMs, binnedRate, escapeXml, niceTicks, rasterSvg, type RasterInput } from '../../src/cli/raster.js';

/**
 * A tiny well-formedness check: one root <svg> with the SVG namespace, balanced tags,
 * quoted attributes, and no raw '<' or stray '&' in text.
 */
function checkSvg(svg: string): void {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  assert.ok(body.startsWith('<svg'), 'the document starts with <svg');
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(pos, m.index);
    assert.not.match(text, /</, `raw '<' in text before offset ${m.index}: ${JSON.stringify(text.slice(0, 80))}`);
    assert.not.match(text, /&(?!(amp|lt|gt|quot|#\d+);)/, `stray '&' in text: ${JSON.stringify(text.slice(0, 80))}`);
    if (stack.length === 0) {
      assert.ok(text.trim() === '', 'nothing outside the root element');
      if (!m[1]) roots++;
    }
    const [, close, name, , selfClose] = m;
    if (close) assert.is(stack.pop(), name, `closing </${name}> matches its opening tag`);
    else if (!selfClose) stack.push(name!);
    pos = m.index + m[0].length;
  }
  assert.is(body.slice(pos).trim(), '', 'nothing after the root element');
  assert.equal(stack, [], 'every tag is closed');
  assert.is(roots, 1, 'exactly one root element');
  assert.match(body, /^<svg[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/, 'the root sets the SVG namespace');
  assert.match(body, /^<svg[^>]*\swidth="\d+"[^>]*\sheight="\d+"[^>]*\sviewBox="0 0 \d+ \d+"/, 'width, height and viewBox');
  assert.not.match(body, /href|url\(|@import|<image|<script|<foreignObject/i, 'no external references or scripts');
}

const marks = (svg: string): number => (svg.match(/class="spike"/g) ?? []).length;

function input(over: Partial<RasterInput> = {}): RasterInput {
  const steps = 200;
  const perStep = new Int32Array(steps);
  const rs: number[] = [];
  const rn: number[] = [];
  for (let s = 0; s < steps; s++) {
    for (let n = 0; n < 50; n++) {
      if ((s * 7 + n * 13) % 41 === 0) {
        rs.push(s);
        rn.push(n);
      }
    }
    perStep[s] = 3 + (s % 5);
  }
  return {
    steps, dtMs: 0.1, neuronsShown: 50, neurons: 500, title: 'test',
    raster: { steps: Int32Array.from(rs), neurons: Int32Array.from(rn) }, spikesPerStep: perStep,
    ...over,
  };
}

test('a raster is a well-formed standalone SVG with exactly one mark per spike', () => {
  const inp = input();
  const svg = rasterSvg(inp);
  checkSvg(svg);
  assert.ok(inp.raster.steps.length > 100);
  assert.is(marks(svg), inp.raster.steps.length);
  assert.is((svg.match(/<polyline/g) ?? []).length, 1, 'one rate polyline');
  assert.match(svg, /time \(ms\)/);
  assert.match(svg, /neuron index/);
  assert.match(svg, /rate \(Hz\)/);
  assert.not.match(svg, /capped/);
});

test('no spikes, no marks; no sampled neurons, a note instead of a raster', () => {
  const empty = { steps: new Int32Array(0), neurons: new Int32Array(0) };
  const a = rasterSvg(input({ raster: empty }));
  checkSvg(a);
  assert.is(marks(a), 0);
  const b = rasterSvg(input({ raster: empty, neuronsShown: 0, spikesPerStep: new Int32Array(200) }));
  checkSvg(b);
  assert.is(marks(b), 0);
  assert.match(b, /no neurons sampled/);
});

test('the marks are capped (evenly thinned), and the picture says so', () => {
  const inp = input();
  const total = inp.raster.steps.length;
  const svg = rasterSvg({ ...inp, maxMarks: 37 });
  checkSvg(svg);
  assert.is(marks(svg), 37);
  assert.match(svg, new RegExp(`37 of ${total} spikes drawn \\(capped at 37`));
  // thinned evenly: the last drawn mark is the last spike, far right
  const xs = [...svg.matchAll(/class="spike" x="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(Math.max(...xs) > 800, `marks reach the end of the run (max x ${Math.max(...xs)})`);
});

test('the default cap is 200,000 marks', () => {
  const n = 200_500;
  const steps = new Int32Array(n).map((_, i) => i % 1000);
  const neurons = new Int32Array(n).map((_, i) => i % 100);
  const svg = rasterSvg({ steps: 1000, dtMs: 0.1, neuronsShown: 100, neurons: 1000, title: 'big', raster: { steps, neurons }, spikesPerStep: new Int32Array(1000) });
  assert.is(marks(svg), 200_000);
  assert.match(svg, /200000 of 200500 spikes drawn/);
});

test('text is escaped: a title with markup stays text', () => {
  const svg = rasterSvg(input({ title: `<b>"A & B"</b> 'x'` }));
  checkSvg(svg);
  assert.ok(svg.includes('&lt;b&gt;&quot;A &amp; B&quot;&lt;/b&gt; &#39;x&#39;'));
  assert.not.ok(svg.includes('<b>'));
  assert.is(escapeXml('a<b>&"\''), 'a&lt;b&gt;&amp;&quot;&#39;');
});

test('long runs are drawn in seconds with coarser rate bins', () => {
  const steps = 30000; // 3 s at 0.1 ms
  const svg = rasterSvg(input({ steps, spikesPerStep: new Int32Array(steps).fill(1) }));
  checkSvg(svg);
  assert.match(svg, /time \(s\)/);
  assert.match(svg, /5 ms bins/);
  assert.is(binWidthMs(1000, 0.1), 1);
  assert.is(binWidthMs(3000, 0.1), 5);
  assert.is(binWidthMs(10, 2), 2);
});

test('binned rate: spikes / neurons / bin seconds', () => {
  const per = Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4]);
  const bins = binnedRate(per, per.length, 0.1, 100, 1);
  assert.is(bins.length, 2);
  assert.ok(Math.abs(bins[0]![2] - 100) < 1e-9, `10 spikes / 100 neurons / 1 ms = 100 Hz, got ${bins[0]![2]}`);
  assert.ok(Math.abs(bins[1]![2] - 400) < 1e-9, `20 / 100 / 0.5 ms = 400 Hz, got ${bins[1]![2]}`);
  assert.ok(Math.abs(bins[1]![1] - 1.5) < 1e-9);
});

test('nice ticks', () => {
  assert.equal(niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  assert.equal(niceTicks(0, 1, 4), [0, 0.5, 1]);
  assert.equal(niceTicks(0, 0.3, 3), [0, 0.1, 0.2, 0.3]);
  assert.equal(niceTicks(5, 5), [5]);
});

test('the well-formedness check itself rejects broken documents', () => {
  const good = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><g><rect class="spike"/></g></svg>';
  checkSvg(good);
  const broken = [
    good.replace('</g>', ''), // unbalanced
    good.replace('<g>', '<g><text>'), // unclosed text
    good + good, // two roots
    good.replace(' xmlns="http://www.w3.org/2000/svg"', ''),
    good.replace('<rect class="spike"/>', '<image href="x.png"/>'),
    good.replace('<rect class="spike"/>', '<text>a < b</text>'),
    good.replace('<rect class="spike"/>', '<text>A & B</text>'),
  ];
  for (const doc of broken) {
    let rejected = false;
    try {
      checkSvg(doc);
    } catch {
      rejected = true; // uvu's assert.throws re-throws assertion failures, so catch them here
    }
    assert.ok(rejected, `rejected: ${doc}`);
  }
});

test('a malformed raster is refused', () => {
  assert.throws(() => rasterSvg(input({ raster: { steps: Int32Array.from([1, 2]), neurons: Int32Array.from([1]) } })), /2 entries/);
  assert.throws(() => rasterSvg(input({ raster: { steps: Int32Array.from([1]), neurons: Int32Array.from([50]) } })), /outside/);
});

test.run();
