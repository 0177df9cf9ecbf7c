import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from '../storage/json-file';
import { daysUntil, licenseHealth } from '../../common/license-health';
import type { ServerStatus } from '../../common/types';

export type AlertCondition = 'invalid' | 'expired' | 'expiring';

export interface LicenseAlert {
  serverId: string;
  condition: AlertCondition;
  title: string;
  body: string;
}

const fileSchema = z.object({ version: z.literal(1), notified: z.record(z.string(), z.enum(['invalid', 'expired', 'expiring'])) });

/**
 * Decides when a license deserves a notification: when a server's license becomes invalid,
 * expires, or comes within the warning window, once per server and condition. The memory of
 * what was said survives restarts, so a refresh or a relaunch never repeats it; a condition that
 * clears (a new key) is forgotten, so a later one is told again.
 */
export class LicenseAlerts {
  private constructor(
    private readonly file: JsonFile<typeof fileSchema>,
    private readonly notified: Map<string, AlertCondition>,
  ) {}

  static async open(dataDir: string): Promise<LicenseAlerts> {
    const file = new JsonFile(join(dataDir, 'alerts.json'), fileSchema, () => ({ version: 1 as const, notified: {} }));
    const { value } = await file.load();
    return new LicenseAlerts(file, new Map(Object.entries(value.notified)));
  }

  /** The alerts these fresh statuses call for; each is returned once. */
  async evaluate(statuses: Array<{ name: string; status: ServerStatus }>, warningDays: number, today = new Date()): Promise<LicenseAlert[]> {
    const alerts: LicenseAlert[] = [];
    let changed = false;
    for (const { name, status } of statuses) {
      // An unreachable server's last known license is old news: judge only what was just read.
      if (status.reachability !== 'online' || !status.license) continue;
      const condition = conditionOf(status, warningDays, today);
      const before = this.notified.get(status.serverId);
      if (condition === before) continue;
      changed = true;
      if (condition) {
        this.notified.set(status.serverId, condition);
        alerts.push(describe(status, name, condition, today));
      } else {
        this.notified.delete(status.serverId);
      }
    }
    if (changed) await this.file.save({ version: 1, notified: Object.fromEntries(this.notified) });
    return alerts;
  }

  /** Forgets removed servers. */
  async forget(serverIds: Iterable<string>): Promise<void> {
    let changed = false;
    for (const id of serverIds) changed = this.notified.delete(id) || changed;
    if (changed) await this.file.save({ version: 1, notified: Object.fromEntries(this.notified) });
  }
}

function conditionOf(status: ServerStatus, warningDays: number, today: Date): AlertCondition | null {
  const health = licenseHealth(status.license, warningDays, today);
  return health === 'invalid' || health === 'expired' || health === 'expiring' ? health : null;
}

function describe(status: ServerStatus, name: string, condition: AlertCondition, today: Date): LicenseAlert {
  const date = status.license?.terms?.expiration_date;
  const body =
    condition === 'invalid'
      ? `${name}: the server reports its license as invalid. Apply a valid key.`
      : condition === 'expired'
        ? `${name}: the license has expired${date ? ` (${date})` : ''}. Apply a new key.`
        : `${name}: the license expires in ${date ? daysUntil(date, today) : '?'} days (${date}). Plan a new key.`;
  const title = condition === 'invalid' ? 'License invalid' : condition === 'expired' ? 'License expired' : 'License expiring soon';
  return { serverId: status.serverId, condition, title, body };
}
