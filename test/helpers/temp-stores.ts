import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/lib/store.js';

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * A fresh folder per test with one SQLite file in it. Every `open()` is another
 * connection to that file, as another process would have; services and stores
 * opened in a test are stopped and closed after it, services first.
 */
export function useTempStores(prefix: string) {
  let dir = '';
  let stores: Store[] = [];
  let services: Stoppable[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
    stores = [];
    services = [];
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(stores.map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    open(): Store {
      const store = openStore(`sqlite://${path.join(dir, 'store.sqlite')}`);
      stores.push(store);
      return store;
    },
    /** Stops the service after the test, unless the test stops it first with `stopped`. */
    track<S extends Stoppable>(service: S): S {
      services.push(service);
      return service;
    },
    stopped(service: Stoppable): void {
      services.splice(services.indexOf(service), 1);
    },
  };
}
