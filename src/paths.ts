import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root folder (the one holding package.json), found from this module's own
 * location so that the sources (under vitest) and the build (under dist/) read the same
 * `mappings/` files.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'mappings'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the project root (package.json beside mappings/) above this module');
    dir = parent;
  }
}

export const mappingsDir = (): string => join(packageRoot(), 'mappings');
