import { DisposableStore, toDisposable, type Disposable } from '../../common/events';
import { onUnexpectedError } from '../../common/unexpected';
import type { ServerRegistry } from '../registry/server-registry';
import type { SettingsStore } from '../settings/settings';
import type { LicenseAlert, LicenseAlerts } from './license-alerts';
import type { StatusCache } from './status-cache';

/** What the background refresh needs: the interval (and word of its changes), and a way to refresh all. */
export interface BackgroundRefreshDeps {
  settings: Pick<SettingsStore, 'get' | 'onDidChange'>;
  refreshAll(): { done: Promise<unknown> };
}

/** What the notifier needs: fresh statuses, server names, the settings and the memory of what was said. */
export interface AlertNotifierDeps {
  status: Pick<StatusCache, 'get' | 'onDidChange'>;
  registry: Pick<ServerRegistry, 'get'>;
  settings: Pick<SettingsStore, 'get'>;
  alerts: Pick<LicenseAlerts, 'evaluate'>;
}

/**
 * Refreshes the whole fleet every `refreshIntervalMinutes` (0: never), rescheduling when the
 * setting changes. A refresh still running when the next is due is not doubled.
 */
export class BackgroundRefresh implements Disposable {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly disposables = new DisposableStore();

  constructor(private readonly core: BackgroundRefreshDeps) {
    this.disposables.add(core.settings.onDidChange(() => this.schedule()));
    this.disposables.add(toDisposable(() => this.clearTimer()));
    this.schedule();
  }

  /** Refreshes every server now, unless a background refresh is already under way. */
  runNow(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.core.refreshAll().done;
      } finally {
        this.running = null;
        this.schedule();
      }
    })();
    return this.running;
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.clearTimer();
    // A refresh that finishes after dispose() must not start the clock again.
    if (this.disposables.isDisposed) return;
    const minutes = this.core.settings.get().refreshIntervalMinutes;
    if (minutes > 0) this.timer = setTimeout(() => void this.runNow().catch((err) => onUnexpectedError('refreshing the fleet in the background', err)), minutes * 60_000);
  }
}

/**
 * Turns fresh statuses, from any refresh or apply, into notifications through `notify`,
 * once per server and condition (LicenseAlerts remembers what was said).
 */
export class AlertNotifier implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly core: AlertNotifierDeps,
    private readonly notify: (alert: LicenseAlert) => void,
  ) {
    this.disposables.add(core.status.onDidChange((ids) => void this.check(ids).catch((err) => onUnexpectedError('checking fresh statuses for license alerts', err))));
  }

  async check(serverIds: readonly string[]): Promise<LicenseAlert[]> {
    const settings = this.core.settings.get();
    const statuses = [...new Set(serverIds)].flatMap((id) => {
      const server = this.core.registry.get(id);
      return server ? [{ name: server.name, status: this.core.status.get(id) }] : [];
    });
    const alerts = await this.core.alerts.evaluate(statuses, settings.expiryWarningDays);
    if (settings.notifications) for (const alert of alerts) this.notify(alert);
    return alerts;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
