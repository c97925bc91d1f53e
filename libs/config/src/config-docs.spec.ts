import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  README_TABLE_BEGIN,
  README_TABLE_END,
  renderConfigTable,
  renderEnvExample,
  withConfigTable,
} from './config-docs';
import { describeVariables, VARIABLE_GROUPS } from './environment';

const ROOT = resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');
const REGENERATE = 'run `npm run config:docs` after changing libs/config/src/environment.ts';

describe('configuration docs, generated from libs/config/src/environment.ts', () => {
  it(`.env.example is the generated text (${REGENERATE})`, () => {
    expect(read('.env.example')).toBe(renderEnvExample());
  });

  it(`the README's configuration table is the generated text (${REGENERATE})`, () => {
    const readme = read('README.md');
    expect(readme).toContain(README_TABLE_BEGIN);
    expect(readme).toContain(README_TABLE_END);
    expect(readme).toBe(withConfigTable(readme));
    expect(readme.indexOf(README_TABLE_BEGIN)).toBeGreaterThan(readme.indexOf('\n## Configuration\n'));
  });

  it('every variable has a group and a description, and an unset default says what it means', () => {
    const variables = describeVariables();
    for (const variable of variables) {
      expect(Object.keys(VARIABLE_GROUPS), variable.name).toContain(variable.group);
      expect(variable.text, variable.name).toMatch(/\S.*[.)]$/);
      if (variable.default === undefined && !variable.internal)
        expect(variable.defaultText, variable.name).toBeTruthy();
    }
  });

  it('shows every documented variable once, with its default, and keeps the line scripts/quickstart.sh fills in', () => {
    const example = renderEnvExample();
    for (const variable of describeVariables().filter((v) => !v.internal)) {
      const lines = example.match(new RegExp(`^${variable.name}=.*$`, 'gm')) ?? [];
      expect(lines, variable.name).toHaveLength(1);
      const shown = variable.example ?? (variable.default === undefined ? '' : String(variable.default));
      expect(lines[0]).toBe(`${variable.name}=${shown}`);
      expect(renderConfigTable()).toContain(`| \`${variable.name}\` |`);
    }
    expect(example).toMatch(/^CALLBACK_SECRET=$/m);
    expect(example).not.toMatch(/^HARK_WORKER_DEVICE=/m);
  });

  it('replaces only what lies between the markers', () => {
    const readme = `# Title\n\n## Configuration\n\nIntro.\n\n${README_TABLE_BEGIN}\nold\n${README_TABLE_END}\n\n## Next\n`;
    expect(withConfigTable(readme, 'NEW')).toBe('# Title\n\n## Configuration\n\nIntro.\n\nNEW\n\n## Next\n');
  });
});
