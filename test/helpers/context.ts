import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Corpus } from '../../src/library/corpus.js';
import { loadCorpus } from '../../src/library/corpus.js';
import { buildSearchIndex, type SearchIndex } from '../../src/search/engine.js';
import { createSearchSessions, type SearchSessions } from '../../src/features/passage/sessions.js';
import { createSettingsStore, type SettingsStore } from '../../src/features/settings/service.js';
import { openStore, type Store } from '../../src/lib/store.js';

export const silentLogger = pino({ level: 'silent' });

/** A fresh SQLite store in its own temporary folder. */
export function tempStore(): { store: Store; url: string; dir: string; cleanup(): Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-test-'));
  const url = `sqlite://${path.join(dir, 'store.sqlite')}`;
  const store = openStore(url);
  return {
    store,
    url,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shipped: Promise<{ corpus: Corpus; search: SearchIndex }> | undefined;

/** The shipped corpus and its index, loaded once per test file. */
export function shippedCorpus() {
  shipped ??= loadCorpus('corpus').then((corpus) => ({ corpus, search: buildSearchIndex(corpus) }));
  return shipped;
}

export interface LibContext {
  corpus: Corpus;
  search: SearchIndex;
  settings: SettingsStore;
  sessions: SearchSessions;
  store: Store;
  cleanup(): Promise<void>;
}

/** What src/lib functions need, on a real SQLite file. */
export async function libContext(): Promise<LibContext> {
  const { corpus, search } = await shippedCorpus();
  const temp = tempStore();
  return {
    corpus,
    search,
    store: temp.store,
    settings: createSettingsStore(temp.store, silentLogger),
    sessions: createSearchSessions(temp.store, silentLogger),
    cleanup: temp.cleanup,
  };
}
