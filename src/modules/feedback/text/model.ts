/**
 * The sentiment model's file: gzip of [header length (uint32 LE)][header JSON][table 1][table 2]. A table is the
 * features' 32-bit hashes (features.ts `hashFeature`), sorted and delta-coded as unsigned LEB128 varints, followed by
 * one signed 16-bit weight per feature (weight = int16 × the table's scale). Table 1: the sentiment weights; table 2:
 * the neutral detector's. Loaded into an open-addressing table of typed
 * arrays: a 250,000-feature model loads in a few tens of milliseconds and looks a feature up without allocating.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeatureOptions } from './features.js';

export interface ModelHeader {
  format: 'hearth-sentiment/2';
  features: FeatureOptions;
  /**
   * A feature's value in a text: `group` — 1/√(number of the text's features in the same group: character n-grams
   * (`c…`) or the rest); `none` — 1.
   */
  normalise: 'group' | 'none';
  bias: number;
  /** Platt calibration of the margin: polarity = σ(a·margin + b). */
  calibration: { a: number; b: number };
  /** Neutral when polarity lies within [low, high] (see sentiment.ts). */
  neutral: { low: number; high: number };
  /**
   * The neutral detector (table 2): P(neutral) = σ(bias + Σ weight(word-level feature)/√n + marginWeight·|margin|);
   * neutral when above `threshold`.
   */
  detector: { bias: number; marginWeight: number; threshold: number };
  /** Per table: number of features and weight quantum (weight = int16 × scale). */
  tables: { count: number; scale: number }[];
  /** How it was trained (data, choices, cross-validation), for the record. */
  meta: Record<string, unknown>;
}

export interface WeightTable {
  keys: Uint32Array;
  values: Float32Array;
  mask: number;
}

export interface LoadedModel {
  header: ModelHeader;
  /** The sentiment weights. */
  table: WeightTable;
  /** The neutral detector's weights. */
  detector: WeightTable;
}

function tableOf(hashes: Uint32Array, weights: Float32Array): WeightTable {
  let cap = 1;
  while (cap < hashes.length * 2) cap <<= 1;
  const keys = new Uint32Array(cap);
  const values = new Float32Array(cap);
  const mask = cap - 1;
  for (let i = 0; i < hashes.length; i++) {
    const k = hashes[i]! || 1; // 0 marks an empty slot
    let slot = Math.imul(k, 0x9e3779b1) >>> 0 & mask;
    while (keys[slot] !== 0 && keys[slot] !== k) slot = (slot + 1) & mask;
    keys[slot] = k;
    values[slot] = weights[i]!;
  }
  return { keys, values, mask };
}

/** The weight of a feature hash, 0 when the model does not know it. */
export function lookup(t: WeightTable, hash: number): number {
  const k = hash || 1;
  let slot = Math.imul(k, 0x9e3779b1) >>> 0 & t.mask;
  for (;;) {
    const found = t.keys[slot]!;
    if (found === k) return t.values[slot]!;
    if (found === 0) return 0;
    slot = (slot + 1) & t.mask;
  }
}

function encodeTable(weights: Map<number, number>): { bytes: Buffer; count: number; scale: number } {
  const entries = [...weights.entries()].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]);
  let max = 0;
  for (const [, w] of entries) max = Math.max(max, Math.abs(w));
  const scale = max / 32767 || 1;
  const quantised = entries.map(([h, w]) => [h, Math.round(w / scale)] as const).filter(([, q]) => q !== 0);
  const varints: number[] = [];
  let prev = 0;
  for (const [h] of quantised) {
    let d = h - prev;
    prev = h;
    while (d >= 0x80) {
      varints.push((d & 0x7f) | 0x80);
      d = Math.floor(d / 128);
    }
    varints.push(d);
  }
  const w16 = Buffer.alloc(quantised.length * 2);
  quantised.forEach(([, q], i) => w16.writeInt16LE(q, i * 2));
  return { bytes: Buffer.concat([Buffer.from(varints), w16]), count: quantised.length, scale };
}

/** Serialises a model: the sentiment table and the neutral detector's table (zero weights dropped). */
export function encodeModel(header: Omit<ModelHeader, 'tables'>, tables: Map<number, number>[]): Buffer {
  const encoded = tables.map(encodeTable);
  const full: ModelHeader = { ...header, tables: encoded.map(({ count, scale }) => ({ count, scale })) };
  const head = Buffer.from(JSON.stringify(full), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length, 0);
  return gzipSync(Buffer.concat([len, head, ...encoded.map((e) => e.bytes)]), { level: 9 });
}

function decodeTable(raw: Buffer, pos: number, count: number, scale: number): { table: WeightTable; end: number } {
  const hashes = new Uint32Array(count);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    let d = 0;
    let mul = 1;
    for (;;) {
      const byte = raw[pos++]!;
      d += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
      mul *= 128;
    }
    prev += d;
    hashes[i] = prev;
  }
  const weights = new Float32Array(count);
  for (let i = 0; i < count; i++, pos += 2) weights[i] = raw.readInt16LE(pos) * scale;
  return { table: tableOf(hashes, weights), end: pos };
}

export function decodeModel(file: Buffer): LoadedModel {
  const raw = gunzipSync(file);
  const headLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + headLength).toString('utf8')) as ModelHeader;
  if (header.format !== 'hearth-sentiment/2') throw new Error(`unknown sentiment model format ${String(header.format)}`);
  let pos = 4 + headLength;
  const tables: WeightTable[] = [];
  for (const t of header.tables) {
    const { table, end } = decodeTable(raw, pos, t.count, t.scale);
    tables.push(table);
    pos = end;
  }
  return { header, table: tables[0]!, detector: tables[1] ?? tableOf(new Uint32Array(0), new Float32Array(0)) };
}
