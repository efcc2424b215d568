#!/usr/bin/env node
/**
 * Writes build/icon.png (1024×1024), the source electron-builder derives every platform's icon
 * from. Drawn in code so the icon is reproducible without an image editor: a rounded indigo
 * square with two nodes joined by an arrow (an entry flowing through the pipeline).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// Signed distances (negative inside), in pixels.
const roundRect = (x, y, cx, cy, half, r) => {
  const qx = Math.abs(x - cx) - (half - r);
  const qy = Math.abs(y - cy) - (half - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - w / 2;
};
const coverage = (d) => Math.max(0, Math.min(1, 0.5 - d));

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const px = x + 0.5, py = y + 0.5;
    const bg = coverage(roundRect(px, py, 512, 512, 448, 200));
    const mark = Math.max(
      coverage(circle(px, py, 300, 512, 92)),
      coverage(circle(px, py, 724, 512, 92)),
      coverage(segment(px, py, 392, 512, 600, 512, 56)),
      coverage(segment(px, py, 540, 430, 612, 512, 56)),
      coverage(segment(px, py, 540, 594, 612, 512, 56)),
    );
    // Indigo #4f46e5 under a white mark.
    const i = row + 1 + x * 4;
    raw[i] = Math.round(0x4f + (255 - 0x4f) * mark);
    raw[i + 1] = Math.round(0x46 + (255 - 0x46) * mark);
    raw[i + 2] = Math.round(0xe5 + (255 - 0xe5) * mark);
    raw[i + 3] = Math.round(255 * bg);
  }
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
