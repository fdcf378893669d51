import { describe, expect, it } from 'vitest';
import { createMemoryReplayStore } from '../src/replay-store.js';

describe('createMemoryReplayStore', () => {
  it('accepts an identifier once until it expires, then again', async () => {
    let now = 100;
    const store = createMemoryReplayStore({ nowSeconds: () => now });
    expect(await store.checkAndRemember('a', 160)).toBe(true);
    expect(await store.checkAndRemember('a', 160)).toBe(false);
    expect(await store.checkAndRemember('b', 160)).toBe(true);
    now = 160;
    expect(await store.checkAndRemember('a', 220)).toBe(true);
  });

  it('stays within maxEntries, dropping expired identifiers before live ones', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 3, nowSeconds: () => now });
    await store.checkAndRemember('old', 10);
    await store.checkAndRemember('live-1', 100);
    await store.checkAndRemember('live-2', 100);
    now = 20;
    await store.checkAndRemember('new', 100);
    // `old` expired and made room: the live ones are still refused.
    expect(await store.checkAndRemember('live-1', 100)).toBe(false);
    expect(await store.checkAndRemember('live-2', 100)).toBe(false);
    // Full of live ones: the oldest goes first.
    await store.checkAndRemember('newer', 100);
    expect(await store.checkAndRemember('new', 100)).toBe(false);
    expect(await store.checkAndRemember('live-1', 100)).toBe(true);
  });

  it('evicts a batch at once when full of live identifiers, never growing past maxEntries', async () => {
    const store = createMemoryReplayStore({ maxEntries: 32, nowSeconds: () => 0 });
    for (let i = 0; i < 32; i++) await store.checkAndRemember(`id-${i}`, 100);
    // The 33rd evicts the two oldest (a sixteenth of 32); the rest stay refused.
    expect(await store.checkAndRemember('id-32', 100)).toBe(true);
    expect(await store.checkAndRemember('id-2', 100)).toBe(false);
    expect(await store.checkAndRemember('id-31', 100)).toBe(false);
    expect(await store.checkAndRemember('id-0', 100)).toBe(true);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createMemoryReplayStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
