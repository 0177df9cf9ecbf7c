import { z } from 'zod';
import { settingsSchema } from '../core/settings/settings';
import type { CommandChannel, Input } from './contract';
import { MAX_CSV_BYTES } from '../common/limits';
import { GUARD_KINDS } from '../common/guards';

/**
 * Input schemas for every command: types and sizes only (the core validates meaning, with the
 * messages users see). Unknown fields are refused, so a renderer bug shows up at once.
 */
const text = (max: number) => z.string().max(max, `at most ${max} characters`);
const id = text(100).min(1);
const ids = z.array(id).max(100_000);
const credentials = z.strictObject({ username: text(1_000), password: text(10_000) });
const serverFields = {
  name: text(1_000),
  url: text(4_096),
  site: text(1_000).optional(),
  notes: text(10_000).optional(),
  tlsFingerprint: text(200).nullable().optional(),
  credentials: credentials.nullable().optional(),
};
const nothing = z.undefined();

export const INPUT_SCHEMAS: { [C in CommandChannel]: z.ZodType<Input<C>> } = {
  'app.info': nothing,
  'servers.list': nothing,
  'servers.add': z.strictObject(serverFields),
  'servers.update': z.strictObject({ id, changes: z.strictObject(serverFields).partial(), keepCredentials: z.boolean().optional() }),
  'servers.remove': z.strictObject({ ids }),
  'servers.test': z.strictObject({
    url: serverFields.url,
    credentials: serverFields.credentials,
    tlsFingerprint: serverFields.tlsFingerprint,
    id: id.optional(),
    keepCredentials: z.boolean().optional(),
  }),
  'servers.previewCsv': z.strictObject({ text: text(MAX_CSV_BYTES) }),
  'servers.importCsv': z.strictObject({ text: text(MAX_CSV_BYTES) }),
  'status.list': nothing,
  'keys.list': nothing,
  'keys.add': z.strictObject({ text: text(1_000_000), label: text(1_000).optional(), fileName: text(1_000).optional() }),
  'keys.remove': z.strictObject({ id }),
  'keys.applications': nothing,
  'fleet.refresh': z.strictObject({ serverIds: ids }),
  'fleet.apply': z.strictObject({
    keyId: id,
    serverIds: ids,
    canaries: z.number().int().min(0).max(100_000).optional(),
    overrides: z.array(z.strictObject({ serverId: id, kind: z.enum(GUARD_KINDS) })).max(200_000).optional(),
  }),
  'fleet.cancel': z.strictObject({ operationId: id }),
  'fleet.retry': z.strictObject({ operationId: id }),
  'history.list': z.strictObject({ serverId: id.optional(), limit: z.number().int().min(1).max(100_000).optional() }),
  'settings.get': nothing,
  'settings.update': settingsSchema.partial().strict(),
  'files.save': z.strictObject({ suggestedName: text(255).min(1), content: text(200_000_000) }),
};
