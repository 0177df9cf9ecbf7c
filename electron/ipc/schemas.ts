import { z } from 'zod';
import { settingsSchema } from '../core/settings/settings';
import type { CommandChannel, Input } from './contract';
import { MAX_CSV_BYTES, MAX_XLSX_BASE64_CHARS } from '../common/limits';
import { DISCOVERY_BOUNDS, MAX_DISCOVERY_ADDRESSES } from '../common/discovery';
import { REPORT_FORMATS } from '../common/report-formats';
import { MAX_REMINDER_DAYS } from '../common/report-ics';
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
const importSource = z.union([
  z.strictObject({ text: text(MAX_CSV_BYTES) }),
  z.strictObject({ xlsx: text(MAX_XLSX_BASE64_CHARS).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'), sheet: text(1_000).optional() }),
]);

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
  'servers.previewCsv': importSource,
  'servers.importCsv': importSource,
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
  'discovery.start': z.strictObject({
    targets: z.array(text(1_000)).min(1).max(1_000),
    ports: text(1_000),
    timeoutSeconds: z.number().min(DISCOVERY_BOUNDS.timeoutSeconds.min).max(DISCOVERY_BOUNDS.timeoutSeconds.max).optional(),
    concurrency: z.number().int().min(DISCOVERY_BOUNDS.concurrency.min).max(DISCOVERY_BOUNDS.concurrency.max).optional(),
  }),
  'discovery.add': z.strictObject({ urls: z.array(serverFields.url).max(MAX_DISCOVERY_ADDRESSES), site: serverFields.site, credentials: serverFields.credentials }),
  'fleet.cancel': z.strictObject({ operationId: id }),
  'fleet.retry': z.strictObject({ operationId: id }),
  'history.list': z.strictObject({ serverId: id.optional(), limit: z.number().int().min(1).max(100_000).optional() }),
  'settings.get': nothing,
  'settings.update': settingsSchema.partial().strict(),
  'files.save': z.strictObject({ suggestedName: text(255).min(1), content: text(200_000_000) }),
  'report.save': z.strictObject({
    serverIds: ids.nullable(),
    scope: text(1_000),
    format: z.enum(REPORT_FORMATS),
    reminderDays: z.array(z.number().int().min(0).max(MAX_REMINDER_DAYS)).max(20).optional(),
    group: z.enum(['server', 'site']).optional(),
  }),
};
