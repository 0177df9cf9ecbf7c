import { AppError } from '../../common/errors';
import type { FleetCore } from '../../core/fleet-core';
import { readKeyFile } from '../../core/vault/key-file';
import { parseCommand, readStdin } from '../args';
import { listCommand, withCore, type Command } from '../command';
import { print } from '../output';
import { localTime as formatLocalTime } from '../../common/format';
import { MAX_KEY_FILE_BYTES } from '../../common/limits';
import type { KeyInfo } from '../../common/types';
import { describeLearned } from '../../common/guards';

const localTime = (iso: string) => formatLocalTime(iso, { seconds: true });

/** A key's text from FILE, or from standard input for `-`, with the file's name for a default label. */
export async function readKeyArgument(file: string): Promise<{ text: string; fileName?: string }> {
  return file === '-' ? { text: await readStdin(MAX_KEY_FILE_BYTES, 'a license key') } : { text: await readKeyFile(file), fileName: file };
}

export function findKey(core: FleetCore, label: string): KeyInfo {
  const key = core.vault.findByLabel(label);
  if (!key) throw new AppError('KeyNotFound', `No key is labelled "${label}": run \`bf-license keys list\` to see the labels.`);
  return key;
}

const add: Command = {
  name: 'keys add',
  synopsis: 'FILE [--label LABEL]',
  help: `Adds a license key to the vault (sealed with the OS keychain's data key). FILE is a file whose
whole content is the key; - reads the key from standard input.

  --label LABEL    How the key is shown in lists and history. Default: the file's name
                   (key-<fingerprint> for standard input).`,
  async run(args) {
    const { values, positionals } = parseCommand(args, { label: { type: 'string' } }, ['FILE']);
    const { text, fileName } = await readKeyArgument(positionals[0]!);
    return withCore(values['data-dir'], async (core) => {
      const key = await core.vault.addText(text, values.label, fileName);
      print(`Added key "${key.label}" (fingerprint ${key.shortFingerprint}).`);
      return 0;
    });
  },
};

const list = listCommand({
  name: 'keys list',
  help: `Lists the keys in the vault: labels and fingerprints, never the keys themselves, and the terms
a server reported for each key when it was applied ("learned": {"terms", "server", "at"} in JSON,
null before any apply).`,
  items: (core) => core.vault.list(),
  empty: 'No keys yet: add one with `bf-license keys add FILE`.',
  headers: ['LABEL', 'FINGERPRINT', 'ADDED', 'TERMS'],
  row: (k) => [k.label, k.shortFingerprint, localTime(k.addedAt), describeLearned(k.learned)],
});

const remove: Command = {
  name: 'keys remove',
  synopsis: 'LABEL',
  help: 'Removes a key from the vault. Servers keep the licenses already applied.',
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, ['LABEL']);
    return withCore(values['data-dir'], async (core) => {
      const key = findKey(core, positionals[0]!);
      await core.vault.remove(key.id);
      print(`Removed key "${key.label}".`);
      return 0;
    });
  },
};

export const keyCommands = [add, list, remove];
