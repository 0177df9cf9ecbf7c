/**
 * The layer boundaries are enforced by lint, not by luck: the renderer runs none of the core, and
 * the common layer runs anywhere because it imports nothing with a runtime. Each case lints a
 * small file as if it stood at that path, with the project's own ESLint configuration.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { ROOT } from '../helpers/cli';

const eslint = new ESLint({ cwd: ROOT });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => /no-restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message);
}

describe('the renderer', () => {
  it.each([
    ["import { FleetCore } from '../../electron/core/fleet-core';", 'core code'],
    ["import { BrainFrameClient } from '../../electron/core/brainframe/client';", 'the HTTP client'],
    ["import { IpcHandlers } from '../../electron/ipc/handlers';", 'the handlers'],
    ["import { COMMAND_CHANNELS } from '../../electron/ipc/contract';", 'contract values (not types)'],
    ["import { readFile } from 'node:fs';", 'a Node module'],
    ["import axios from 'axios';", 'axios'],
    ["import { ipcRenderer } from 'electron';", 'electron'],
  ])('may not import %s (%s)', async (line) => {
    expect(await importErrors('renderer/model/x.ts', `${line}\nexport const x = 1;\n`)).not.toEqual([]);
  });

  it('may import the common layer and the contract as types', async () => {
    const code = [
      "import { errorSummary } from '../../electron/common/errors';",
      "import type { Bridge } from '../../electron/ipc/contract';",
      "import { computed } from 'vue';",
      'export const x: Bridge | null = null;',
      'export const y = computed(() => errorSummary("Timeout"));',
    ].join('\n');
    expect(await importErrors('renderer/model/x.ts', code)).toEqual([]);
  });

  it('is checked in Vue components too', async () => {
    const sfc = "<script setup lang=\"ts\">\nimport { FleetCore } from '../../../electron/core/fleet-core';\nconsole.log(FleetCore);\n</script>\n<template><p>x</p></template>\n";
    expect(await importErrors('renderer/components/grid/X.vue', sfc)).not.toEqual([]);
  });
});

describe('the common layer', () => {
  it.each([
    ["import { promises } from 'node:fs';"],
    ["import { join } from 'path';"],
    ["import axios from 'axios';"],
    ["import keytar from 'keytar';"],
    ["import { z } from 'zod';"],
    ["import { ref } from 'vue';"],
    ["import { app } from 'electron';"],
    ["import { JsonFile } from '../core/storage/json-file';"],
  ])('may not import %s', async (line) => {
    expect(await importErrors('electron/common/x.ts', `${line}\nexport const x = 1;\n`)).not.toEqual([]);
  });

  it('may import itself', async () => {
    expect(await importErrors('electron/common/x.ts', "import { AppError } from './errors';\nexport const x = AppError;\n")).toEqual([]);
  });
});
