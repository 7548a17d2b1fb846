import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../src/docs/readme-sections.js';
import { packageRoot } from '../../src/paths.js';

describe('README', () => {
  it('its configuration reference and state table are those generated from the code (npm run docs)', () => {
    const text = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    expect(renderReadme(text)).toBe(text);
  });

  it('gives the two commands of its promise', () => {
    const text = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    expect(text).toContain('npm install && npm start');
    expect(text).toContain('npm ci && npm test');
  });
});
