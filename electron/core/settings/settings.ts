import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from '../storage/json-file';
import { Emitter } from '../../common/events';
import { DEFAULT_CONCURRENCY } from '../fleet/fleet-operations';
import { DEFAULT_TIMEOUT_MS } from '../brainframe/client';

export const settingsSchema = z.object({
  /** Minutes between background refreshes of the whole fleet; 0 turns it off. */
  refreshIntervalMinutes: z.number().int().min(0).max(24 * 60),
  /** A license expiring within this many days is "expiring soon" and notifies once. */
  expiryWarningDays: z.number().int().min(1).max(365),
  /** Servers talked to at once by a bulk operation. */
  concurrency: z.number().int().min(1).max(256),
  /** Deadline of one request, connect and body together. */
  timeoutSeconds: z.number().int().min(1).max(300),
  /** Native notifications for licenses that become invalid, expire or are about to. */
  notifications: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  refreshIntervalMinutes: 15,
  expiryWarningDays: 30,
  concurrency: DEFAULT_CONCURRENCY,
  timeoutSeconds: DEFAULT_TIMEOUT_MS / 1000,
  notifications: true,
};

// Each field falls back to its default on its own, so one bad value never resets the others.
const fileSchema = z.object({
  version: z.literal(1),
  settings: z.object({
    refreshIntervalMinutes: settingsSchema.shape.refreshIntervalMinutes.catch(DEFAULT_SETTINGS.refreshIntervalMinutes),
    expiryWarningDays: settingsSchema.shape.expiryWarningDays.catch(DEFAULT_SETTINGS.expiryWarningDays),
    concurrency: settingsSchema.shape.concurrency.catch(DEFAULT_SETTINGS.concurrency),
    timeoutSeconds: settingsSchema.shape.timeoutSeconds.catch(DEFAULT_SETTINGS.timeoutSeconds),
    notifications: settingsSchema.shape.notifications.catch(DEFAULT_SETTINGS.notifications),
  }),
});

/** The user's preferences, persisted beside the registry. */
export class SettingsStore {
  private readonly changed = new Emitter<Settings>();
  readonly onDidChange = this.changed.event;

  private constructor(
    private readonly file: JsonFile<typeof fileSchema>,
    private current: Settings,
    readonly recovered: string | null,
  ) {}

  static async open(dataDir: string): Promise<SettingsStore> {
    const file = new JsonFile(join(dataDir, 'settings.json'), fileSchema, () => ({ version: 1 as const, settings: DEFAULT_SETTINGS }));
    const { value, recovered } = await file.load();
    return new SettingsStore(file, value.settings, recovered);
  }

  get(): Settings {
    return { ...this.current };
  }

  /** Validates and saves a change; an invalid value is refused whole. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    await this.file.save({ version: 1, settings: next });
    this.current = next;
    this.changed.fire(this.get());
    return this.get();
  }
}
