import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from '../storage/json-file';
import { Emitter } from '../../common/events';
import { DEFAULT_SETTINGS, SETTING_BOUNDS, type NumericSetting, type Settings } from '../../common/settings';

const bounded = (name: NumericSetting) => z.number().int().min(SETTING_BOUNDS[name].min).max(SETTING_BOUNDS[name].max);

export const settingsSchema = z.object({
  refreshIntervalMinutes: bounded('refreshIntervalMinutes'),
  expiryWarningDays: bounded('expiryWarningDays'),
  concurrency: bounded('concurrency'),
  timeoutSeconds: bounded('timeoutSeconds'),
  notifications: z.boolean(),
  canaryEnabled: z.boolean(),
  canaryCount: bounded('canaryCount'),
  canaryPause: z.boolean(),
  readStreams: z.boolean(),
}) satisfies z.ZodType<Settings>;

// Each field falls back to its default on its own, so one bad value never resets the others.
const fileSchema = z.object({
  version: z.literal(1),
  settings: z.object({
    refreshIntervalMinutes: settingsSchema.shape.refreshIntervalMinutes.catch(DEFAULT_SETTINGS.refreshIntervalMinutes),
    expiryWarningDays: settingsSchema.shape.expiryWarningDays.catch(DEFAULT_SETTINGS.expiryWarningDays),
    concurrency: settingsSchema.shape.concurrency.catch(DEFAULT_SETTINGS.concurrency),
    timeoutSeconds: settingsSchema.shape.timeoutSeconds.catch(DEFAULT_SETTINGS.timeoutSeconds),
    notifications: settingsSchema.shape.notifications.catch(DEFAULT_SETTINGS.notifications),
    // Absent in files written before staged applies: the defaults.
    canaryEnabled: settingsSchema.shape.canaryEnabled.catch(DEFAULT_SETTINGS.canaryEnabled),
    canaryCount: settingsSchema.shape.canaryCount.catch(DEFAULT_SETTINGS.canaryCount),
    canaryPause: settingsSchema.shape.canaryPause.catch(DEFAULT_SETTINGS.canaryPause),
    // Absent in files written before it existed: on, as the default.
    readStreams: settingsSchema.shape.readStreams.catch(DEFAULT_SETTINGS.readStreams),
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
